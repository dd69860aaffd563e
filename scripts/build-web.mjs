// Plain JavaScript so it runs before anything is compiled. Bundles the desk (web/) with esbuild into
// public/: content-hashed assets under public/assets/ (served as immutable) and public/index.html naming
// them. `node scripts/build-web.mjs` builds; `--if-stale` builds only when public/ is missing or older than
// a source, which is what `npm start` (prestart) and the browser tests (pretest:e2e) run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const out = path.join(root, 'public');
// Written last by a successful build: its time is the build's, and a half-finished build has none.
const stamp = path.join(out, '.built');
const sources = [web, path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];

function newestMtime(file) {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

export function isStale() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  return !built || sources.some((s) => newestMtime(s) > built.mtimeMs);
}

export async function buildWeb({ quiet = false } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('whosaid: the desk needs building but esbuild is not installed: run npm install\n');
    process.exit(1);
  }
  if (!quiet) process.stderr.write('whosaid: building the desk into public/ ...\n');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(web, 'src', 'main.tsx'), style: path.join(web, 'style.css') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: path.join(out, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name, ext) => {
    const found = outputs.find(([file, o]) => file.endsWith(ext) && o.entryPoint && path.basename(o.entryPoint).startsWith(name));
    if (!found) throw new Error(`no ${ext} output for ${name}`);
    return '/' + path.relative(out, path.join(root, found[0])).split(path.sep).join('/');
  };
  const html = readFileSync(path.join(web, 'index.html'), 'utf8')
    .replace('%STYLE%', entry('style', '.css'))
    .replace('%SCRIPT%', entry('main', '.js'));
  writeFileSync(path.join(out, 'index.html'), html);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--if-stale') || isStale() || !existsSync(path.join(out, 'index.html'))) {
    await buildWeb({ quiet: process.argv.includes('--quiet') });
  }
}
