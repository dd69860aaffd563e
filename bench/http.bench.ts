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
//
// Beside req/s, each run reads the server process's CPU time (Linux /proc) and reports CPU per request:
// on a busy machine req/s moves with whatever else runs, CPU per request much less, so its ratio says
// what the service costs even when the req/s ratio is noisy. The run ends with the targets
// checked against the req/s ratios, and the load average and commit measured, for the README.
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

export const BARE_EXPRESS = `import express from 'express';
const app = express();
app.get('/healthz', (_req, res) => { res.json({ status: 'ok', version: '0.1.0' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');`;

const BARE_NODE = `import http from 'node:http';
const body = ${JSON.stringify(BODY)};
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');`;

export interface Target {
  name: string;
  /** The short name --routes takes. */
  short: string;
  port: number;
  pid: number | undefined;
  path: string;
  /** Paths asked in turn instead of `path`, one per request across all connections. */
  paths?: string[];
  /** Counted against the targets, but not shown as a row of its own (the bare servers' one route). */
  baseline?: 'express' | 'node';
}

export interface Run {
  rps: number;
  p99: number;
  /** Server CPU time per request, µs (NaN where /proc is not there to read). */
  cpu: number;
  non2xx: number;
  errors: number;
}

/** A process's user + system CPU time so far, µs, from /proc (clock ticks of 10 ms); NaN elsewhere. */
function cpuTime(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** The targets (issue 15): at least this fraction of bare Express's req/s. */
// The spread reads are held to the reads' targets too, though the issue states them for one statement read
// again and again (which a kept answer serves): they say what a read costs when nothing is kept.
const TARGETS: Record<string, number> = {
  healthz: 0.8,
  statement: 0.6,
  provenance: 0.5,
  'statement-spread': 0.6,
  'provenance-spread': 0.5,
};

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

export interface Started {
  child: ChildProcess;
  port: number;
}

export async function start(args: string[], env: NodeJS.ProcessEnv, logFile: string, probe: string): Promise<Started> {
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

export async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

export function drive(t: Target, headers: Record<string, string>, connections: number, seconds: number): Promise<Run> {
  const cpuBefore = cpuTime(t.pid);
  return new Promise((resolve, reject) => {
    let next = 0;
    const paths = t.paths;
    const requests = paths ? [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[next++ % paths.length] }) }] : undefined;
    autocannon({ url: `http://127.0.0.1:${t.port}${t.path}`, connections, duration: seconds, headers, requests }, (err, r) => {
      if (err) return reject(err);
      const cpu = (cpuTime(t.pid) - cpuBefore) / r.requests.total;
      resolve({ rps: r.requests.mean, p99: r.latency.p99, cpu, non2xx: r.non2xx, errors: r.errors + r.timeouts });
    });
  });
}

/**
 * Statements read in turn to measure reads that are not kept: twice as many as a cached route keeps
 * (src/http/mount.ts), asked in order, so each is dropped before it comes round again.
 */
const SPREAD = 4000;

/**
 * A statement with the deepest chain among the first ones, a phrase of three words found in one statement
 * only, and SPREAD statements spread over the database (none where it has fewer than that).
 */
function pickRequests(dbFile: string, deep?: number): { statementId: number; phrase: string; spread: number[] } {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const total = db.prepare('SELECT count(*) FROM statements').pluck().get() as number;
    const step = Math.floor(total / SPREAD);
    const spread =
      step < 1 ? [] : (db.prepare('SELECT id FROM statements WHERE id % ? = 0 ORDER BY id LIMIT ?').pluck().all(step, SPREAD) as number[]);
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
        if (text.includes(phrase) && count.get(phrase) === 1) return { statementId, phrase, spread };
      }
    }
    throw new Error('no phrase found in a single statement');
  } finally {
    db.close();
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dbName = (label: string) => (label === 'demo' ? 'demo story' : `${Number(label).toLocaleString('en')} statements`);
export const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
export const int = (x: number) => Math.round(x).toLocaleString('en');

/** Each route's median req/s as a fraction of bare Express's, by database label. */
type Ratios = Map<string, Map<string, number>>;

async function measureDb(
  label: string,
  dbFile: string,
  deep: number | undefined,
  dir: string,
  opts: { seconds: number; rounds: number; connections: number; routes: string[] | null },
  ratios: Ratios,
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
    const { statementId, phrase, spread } = pickRequests(dbFile, deep);
    const on = (s: Started) => ({ port: s.port, pid: s.child.pid });
    const all: Target[] = [
      { name: 'bare Express 5 (one JSON route)', short: 'express', ...on(express), path: '/healthz', baseline: 'express' },
      { name: 'bare node:http (the same JSON)', short: 'node', ...on(node), path: '/healthz', baseline: 'node' },
      { name: '`GET /healthz`', short: 'healthz', ...on(whosaid), path: '/healthz' },
      { name: '`GET /v1/statements/{id}`', short: 'statement', ...on(whosaid), path: `/v1/statements/${statementId}` },
      {
        name: '`GET /v1/statements/{id}/provenance`',
        short: 'provenance',
        ...on(whosaid),
        path: `/v1/statements/${statementId}/provenance`,
      },
      ...(spread.length === SPREAD
        ? [
            {
              name: `\`GET /v1/statements/{id}\`, ${int(SPREAD)} statements in turn (never kept)`,
              short: 'statement-spread',
              ...on(whosaid),
              path: `/v1/statements/${spread[0]}`,
              paths: spread.map((id) => `/v1/statements/${id}`),
            },
            {
              name: `\`GET /v1/statements/{id}/provenance\`, ${int(SPREAD)} statements in turn (never kept)`,
              short: 'provenance-spread',
              ...on(whosaid),
              path: `/v1/statements/${spread[0]}/provenance`,
              paths: spread.map((id) => `/v1/statements/${id}/provenance`),
            },
          ]
        : []),
      {
        name: '`GET /v1/search?q=<rare phrase>`',
        short: 'search',
        ...on(whosaid),
        path: `/v1/search?q=${encodeURIComponent(phrase)}`,
      },
    ];
    const targets = all.filter((t) => t.baseline || !opts.routes || opts.routes.includes(t.short));
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
    const med = (t: Target) => {
      const rs = runs.get(t)!;
      return { rps: median(rs.map((x) => x.rps)), p99: median(rs.map((x) => x.p99)), cpu: median(rs.map((x) => x.cpu)) };
    };
    const bare = med(targets[0]);
    const nodeRps = med(targets[1]).rps;
    const byRoute = new Map<string, number>();
    ratios.set(label, byRoute);
    console.log(`\n### ${dbName(label)}\n`);
    console.log(`statement ${statementId}; rare phrase "${phrase}"\n`);
    console.log(
      '| request | req/s (median) | p99 latency | × bare Express | × bare node:http | server CPU per request | CPU: bare Express ÷ this |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const t of targets) {
      const m = med(t);
      byRoute.set(t.short, m.rps / bare.rps);
      const cpu = Number.isNaN(m.cpu) ? '–' : `${Math.round(m.cpu)} µs`;
      const cpuRatio = Number.isNaN(m.cpu) ? '–' : `${(bare.cpu / m.cpu).toFixed(2)}×`;
      console.log(
        `| ${t.name} | ${int(m.rps)} | ${m.p99} ms | ${(m.rps / bare.rps).toFixed(2)}× | ${(m.rps / nodeRps).toFixed(2)}× | ${cpu} | ${cpuRatio} |`,
      );
    }
  } finally {
    await Promise.all([stop(whosaid), stop(express), stop(node)]);
  }
}

/** The options of the HTTP benches (this one and http-postgres), from the command line. */
export function httpOptions(args: Record<string, string>, seconds: number) {
  return {
    seconds: Number(args.duration ?? seconds),
    rounds: Number(args.rounds ?? 3),
    connections: Number(args.connections ?? 50),
    routes: args.routes ? args.routes.split(',') : null,
    dbs: (args.dbs ?? 'demo,100000').split(','),
  };
}

/** Builds the server now if needed, so no measurement pays for it; gives the commit measured. */
export function buildForBench(): string {
  if (spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('the build failed');
  return spawnSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
}

export async function run(args: Record<string, string>): Promise<void> {
  const opts = httpOptions(args, 10);
  const { dbs } = opts;
  const commit = buildForBench();
  console.log(
    `commit ${commit}; autocannon -c ${opts.connections}, ${opts.seconds} s per run, ${opts.rounds} interleaved rounds, medians; load average at start ${loadAverage()} (${os.cpus().length} cores shared with the load generator and anything else running)`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-bench-http-'));
  const ratios: Ratios = new Map();
  try {
    for (const label of dbs) {
      if (label === 'demo') {
        await measureDb('demo', path.join(dir, 'demo.db'), undefined, dir, opts, ratios);
        continue;
      }
      const cached = await syntheticDatabase(Number(label));
      const copy = copySyntheticDatabase(cached, path.join(dir, `synthetic-${label}.db`));
      await measureDb(label, copy, cached.info.chainSamples[5][0], dir, opts, ratios);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n### targets (issue 15: × bare Express req/s, medians)\n');
  console.log(`| request | target | ${dbs.map(dbName).join(' | ')} |`);
  console.log(`|---|---:|${dbs.map(() => '---:|').join('')}`);
  for (const [route, target] of Object.entries(TARGETS)) {
    if (opts.routes && !opts.routes.includes(route)) continue;
    const cells = dbs.map((label) => {
      const r = ratios.get(label)?.get(route);
      // Three decimals: at two, a ratio just under its target would print as the target itself, "not met".
      return r === undefined ? '–' : `${r.toFixed(3)}× ${r >= target ? 'met' : 'not met'}`;
    });
    console.log(`| ${route} | ≥ ${target.toFixed(2)}× | ${cells.join(' | ')} |`);
  }
  console.log(`\nload average at end ${loadAverage()}`);
}
