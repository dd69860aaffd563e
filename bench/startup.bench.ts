// npm run bench -- --only=startup [--startup-rounds=7]
//
// Start-up time and resident memory of the compiled server as `npm start` runs it (`node scripts/start.mjs`:
// plain node on dist/, after checking the build is current) against a bare Express app answering one route, started the same way in the same run. Rounds
// alternate between the two (interleaved, so a slow moment of a shared machine falls on both), and each
// figure is the median. Start-up is from spawn until the port answers (whosaid: /readyz, which needs the
// database; the bare app: its one route); memory is VmRSS right then. whosaid starts on a copy of a
// database that already holds the demo story, as on any start after the first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(root, 'scripts/start.mjs');

const BARE = `import express from 'express';
const app = express();
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.listen(Number(process.env.PORT));`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

async function untilAnswers(port: number, p: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${p}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measure(args: string[], env: NodeJS.ProcessEnv, probe: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    await untilAnswers(port, probe, child);
    const ms = performance.now() - started;
    return { ms, rss: rssMb(child.pid as number) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(args: Record<string, string>): Promise<void> {
  const rounds = Number(args['startup-rounds'] ?? 7);
  // Build now if needed, so no round pays for it.
  spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-startup-'));
  try {
    // A database with the demo story, made by one start of the server itself.
    const template = path.join(dir, 'template.db');
    await measure([ENTRY], { WHOSAID_DB: template, WHOSAID_LOG_LEVEL: 'warn' }, '/readyz');
    const whosaid: Array<{ ms: number; rss: number }> = [];
    const bare: Array<{ ms: number; rss: number }> = [];
    for (let i = 0; i < rounds; i++) {
      const db = path.join(dir, `round-${i}.db`);
      copyFileSync(template, db);
      whosaid.push(await measure([ENTRY], { WHOSAID_DB: db, WHOSAID_LOG_LEVEL: 'warn' }, '/readyz'));
      bare.push(await measure(['--input-type=module', '-e', BARE], {}, '/healthz'));
    }
    const w = { ms: median(whosaid.map((r) => r.ms)), rss: median(whosaid.map((r) => r.rss)) };
    const b = { ms: median(bare.map((r) => r.ms)), rss: median(bare.map((r) => r.rss)) };
    console.log(`${rounds} interleaved rounds, medians`);
    console.log('| process | start-up to first answer | RSS after start |');
    console.log('| --- | ---: | ---: |');
    console.log(`| bare Express app (one route) | ${b.ms.toFixed(0)} ms | ${b.rss.toFixed(0)} MB |`);
    console.log(
      `| whosaid, compiled (\`npm start\` without npm: \`node scripts/start.mjs\`) | ${w.ms.toFixed(0)} ms | ${w.rss.toFixed(0)} MB |`,
    );
    console.log(`| ratio whosaid / bare | ${(w.ms / b.ms).toFixed(2)}× | ${(w.rss / b.rss).toFixed(2)}× |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
