// Plain JavaScript so it runs before anything is compiled. `node scripts/build.mjs` compiles src/ and
// migrations/ to dist/ (npm run build); `ensureBuilt()` does so only when dist/ is missing or older than a
// source, which is what `npm start` and the `whosaid` command call before running dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dist = path.join(root, 'dist');
// Written last by a successful build: its time is the build's, and a half-finished build has none.
const stamp = path.join(dist, '.built');
const sources = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(file) {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file bumps its folder's time
  for (const entry of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

export function isStale() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  if (!built) return true;
  return sources.some((s) => newestMtime(path.join(root, s)) > built.mtimeMs);
}

export function build({ quiet = false } = {}) {
  const tsc = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('whosaid: dist/ needs building but TypeScript is not installed: run npm install (with dev dependencies)\n');
    process.exit(1);
  }
  if (!quiet) process.stderr.write('whosaid: compiling to dist/ ...\n');
  rmSync(dist, { recursive: true, force: true }); // no compiled file outlives its source
  const result = spawnSync(tsc, ['-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('whosaid: the build failed (see above)\n');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

export function ensureBuilt() {
  if (isStale()) build();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build({ quiet: true });
