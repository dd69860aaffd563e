// npm run bench -- --only=http [--duration=10] [--rounds=3] [--connections=50] [--dbs=demo,100000] [--routes=healthz,statement]
//
// The service's own per-request cost against the floor: the compiled server as `npm start` runs it
// (`node scripts/start.mjs`, request log on, rate limits counting, API key checked), a bare Express 5 app
// and a bare node:http server answering one small JSON, each in its own process on this machine. autocannon
// (in this process) drives one target at a time with --connections connections for --duration seconds;
// every round runs every target once, in a rotated order, so a slow moment of a shared machine falls on all
// of them; each figure is the median over the rounds. Ratios are taken against the bare servers measured in
// the same run. Databases: the demo story, and generated databases of N statements (bench/synthetic.ts,
// cached under the temp dir; the server gets a copy, since it writes its first admin key).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { copySyntheticDatabase, syntheticDatabase } from './synthetic-db.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(root, 'scripts/start.mjs');
const BODY = `{"status":"ok","version":"0.1.0"}`;

const BARE_EXPRESS = `import express from 'express';
const app = express();
app.get('/healthz', (_req, res) => { res.json({ status: 'ok', version: '0.1.0' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');`;

const BARE_NODE = `import http from 'node:http';
const body = ${JSON.stringify(BODY)};
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');`;

interface Target {
  name: string;
  port: number;
  path: string;
  /** Counted against the targets, but not shown as a row of its own (the bare servers' one route). */
  baseline?: 'express' | 'node';
}

interface Run {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function untilAnswers(port: number, p: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a benchmark server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${p}`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Started {
  child: ChildProcess;
  port: number;
}

async function start(args: string[], env: NodeJS.ProcessEnv, logFile: string, probe: string): Promise<Started> {
  const port = await freePort();
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  await untilAnswers(port, probe, child);
  return { child, port };
}

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

function drive(t: Target, headers: Record<string, string>, connections: number, seconds: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${t.port}${t.path}`, connections, duration: seconds, headers }, (err, r) => {
      if (err) return reject(err);
      resolve({ rps: r.requests.mean, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts });
    });
  });
}

/** A statement with the deepest chain among the first ones, and a phrase of three words found in one statement only. */
function pickRequests(dbFile: string, deep?: number): { statementId: number; phrase: string } {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const statementId =
      deep ??
      (db
        .prepare('SELECT statement_id FROM relays GROUP BY statement_id ORDER BY count(*) DESC, statement_id LIMIT 1')
        .pluck()
        .get() as number);
    const texts = db.prepare('SELECT text FROM statements WHERE id >= ? ORDER BY id LIMIT 50').pluck().all(statementId) as string[];
    const count = db.prepare(`SELECT count(*) FROM statements WHERE text LIKE '%' || ? || '%'`).pluck();
    for (const text of texts) {
      const words = text.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}'’-]/gu, ''));
      for (let i = 0; i + 3 <= words.length; i++) {
        const three = words.slice(i, i + 3);
        if (three.some((w) => w.length < 4) || !three.some((w) => w.length >= 6)) continue;
        const phrase = three.join(' ');
        if (text.includes(phrase) && count.get(phrase) === 1) return { statementId, phrase };
      }
    }
    throw new Error('no phrase found in a single statement');
  } finally {
    db.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const int = (x: number) => Math.round(x).toLocaleString('en');

async function measureDb(
  label: string,
  dbFile: string,
  deep: number | undefined,
  dir: string,
  opts: { seconds: number; rounds: number; connections: number; routes: string[] | null },
): Promise<void> {
  const log = path.join(dir, `whosaid-${label}.log`);
  const whosaid = await start(
    [ENTRY],
    {
      WHOSAID_DB: dbFile,
      WHOSAID_DEMO: label === 'demo' ? '1' : '0',
      // Counting, never refusing: the limiter's bookkeeping runs on every request as it does in service.
      WHOSAID_RATE_LIMIT_PER_KEY: '1000000000',
      WHOSAID_RATE_LIMIT_PER_ADDRESS: '1000000000',
      WHOSAID_LOG_LEVEL: 'info',
      WHOSAID_PUBLIC_READS: '0',
    },
    log,
    '/readyz',
  );
  const key = /wsk_\S+/.exec(readFileSync(log, 'utf8'))?.[0];
  if (!key) throw new Error(`no admin key in ${log}`);
  const express = await start(['--input-type=module', '-e', BARE_EXPRESS], {}, path.join(dir, 'express.log'), '/healthz');
  const node = await start(['--input-type=module', '-e', BARE_NODE], {}, path.join(dir, 'node.log'), '/healthz');
  try {
    const { statementId, phrase } = pickRequests(dbFile, deep);
    const all: Target[] = [
      { name: 'bare Express 5 (one JSON route)', port: express.port, path: '/healthz', baseline: 'express' },
      { name: 'bare node:http (the same JSON)', port: node.port, path: '/healthz', baseline: 'node' },
      { name: '`GET /healthz`', port: whosaid.port, path: '/healthz' },
      { name: '`GET /v1/statements/{id}`', port: whosaid.port, path: `/v1/statements/${statementId}` },
      { name: '`GET /v1/statements/{id}/provenance`', port: whosaid.port, path: `/v1/statements/${statementId}/provenance` },
      { name: '`GET /v1/search?q=<rare phrase>`', port: whosaid.port, path: `/v1/search?q=${encodeURIComponent(phrase)}` },
    ];
    const short = ['express', 'node', 'healthz', 'statement', 'provenance', 'search'];
    const targets = all.filter((t, i) => t.baseline || !opts.routes || opts.routes.includes(short[i]));
    const headers = { authorization: `Bearer ${key}` };
    for (const t of targets) {
      const res = await fetch(`http://127.0.0.1:${t.port}${t.path}`, { headers });
      if (!res.ok) throw new Error(`${t.name}: ${t.path} answered ${res.status}: ${await res.text()}`);
    }
    // Warm-up: JIT, SQLite's page cache, the OS file cache.
    for (const t of targets) await drive(t, headers, opts.connections, 1);
    const runs = new Map<Target, Run[]>(targets.map((t) => [t, []]));
    for (let r = 0; r < opts.rounds; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      for (const t of order) {
        const run = await drive(t, headers, opts.connections, opts.seconds);
        if (run.non2xx || run.errors) throw new Error(`${t.name}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        runs.get(t)!.push(run);
      }
    }
    const med = (t: Target) => ({ rps: median(runs.get(t)!.map((x) => x.rps)), p99: median(runs.get(t)!.map((x) => x.p99)) });
    const expressRps = med(targets[0]).rps;
    const nodeRps = med(targets[1]).rps;
    console.log(`\n### ${label === 'demo' ? 'demo story' : `${Number(label).toLocaleString('en')} statements`}\n`);
    console.log(`statement ${statementId}; rare phrase "${phrase}"\n`);
    console.log('| request | req/s (median) | p99 latency | × bare Express | × bare node:http |');
    console.log('|---|---:|---:|---:|---:|');
    for (const t of targets) {
      const m = med(t);
      console.log(`| ${t.name} | ${int(m.rps)} | ${m.p99} ms | ${(m.rps / expressRps).toFixed(2)}× | ${(m.rps / nodeRps).toFixed(2)}× |`);
    }
  } finally {
    await Promise.all([stop(whosaid), stop(express), stop(node)]);
  }
}

export async function run(args: Record<string, string>): Promise<void> {
  const opts = {
    seconds: Number(args.duration ?? 10),
    rounds: Number(args.rounds ?? 3),
    connections: Number(args.connections ?? 50),
    routes: args.routes ? args.routes.split(',') : null,
  };
  const dbs = (args.dbs ?? 'demo,100000').split(',');
  // Build now if needed, so no measurement pays for it.
  if (spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('the build failed');
  console.log(
    `autocannon -c ${opts.connections}, ${opts.seconds} s per run, ${opts.rounds} interleaved rounds, medians; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${os.cpus().length} cores shared with the load generator and anything else running)`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-bench-http-'));
  try {
    for (const label of dbs) {
      if (label === 'demo') {
        await measureDb('demo', path.join(dir, 'demo.db'), undefined, dir, opts);
        continue;
      }
      const cached = await syntheticDatabase(Number(label));
      const copy = copySyntheticDatabase(cached, path.join(dir, `synthetic-${label}.db`));
      await measureDb(label, copy, cached.info.chainSamples[5][0], dir, opts);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
