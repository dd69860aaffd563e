// npm run bench -- --only=http-postgres [--duration=5] [--rounds=3] [--connections=50] [--dbs=demo,100000] [--routes=healthz,statement]
//
// The service on PostgreSQL over HTTP: one whosaid process, then two processes on the same database (what
// several application servers behind a load balancer do), each the compiled server as `npm start` runs it
// with WHOSAID_DATABASE_URL set (request log on, rate limits counting, API key checked). The routes and the
// bare Express baseline are those of the SQLite HTTP bench (bench/http.bench.ts); autocannon (in this
// process) drives one target at a time with --connections connections for --duration seconds, split evenly
// between the two processes when there are two; every round runs every target once, in a rotated order;
// figures are medians over the rounds. Databases: the demo story, loaded by the first process into a new
// database of a throwaway cluster, and the synthetic database of N statements (bench/synthetic-postgres.ts,
// cached), copied for the run (CREATE DATABASE … TEMPLATE: the servers write their first admin key).
//
// On this machine the load generator, both servers and PostgreSQL share the same cores: a second process
// gains only what cores are idle, so the ratio of two processes to one says how well they share one
// database here, not how they would scale on machines of their own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  BARE_EXPRESS,
  buildForBench,
  drive,
  httpOptions,
  int,
  loadAverage,
  median,
  type Run,
  type Started,
  start,
  stop,
  type Target,
} from './http.bench.js';
import { syntheticPostgres } from './synthetic-postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(root, 'scripts/start.mjs');

// The cluster script is plain JavaScript (CI runs it without a compiler).
const { startCluster, stopCluster } = (await import(new URL('../scripts/pg-cluster.mjs', import.meta.url).href)) as {
  startCluster(): Promise<{ dir: string; url: string }>;
  stopCluster(dir: string): void;
};

interface Options {
  seconds: number;
  rounds: number;
  connections: number;
  routes: string[] | null;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The statement with the most hops, and a phrase of three words found in that statement or a later one only. */
async function pickRequests(url: string): Promise<{ statementId: number; phrase: string }> {
  return admin(url, async (c) => {
    const deepest = await c.query<{ id: string }>(
      'SELECT statement_id AS id FROM relays GROUP BY statement_id ORDER BY count(*) DESC, statement_id LIMIT 1',
    );
    const statementId = Number(deepest.rows[0].id);
    const texts = await c.query<{ text: string }>('SELECT text FROM statements WHERE id >= $1 ORDER BY id LIMIT 50', [statementId]);
    for (const { text } of texts.rows) {
      const words = text.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}'’-]/gu, ''));
      for (let i = 0; i + 3 <= words.length; i++) {
        const three = words.slice(i, i + 3);
        if (three.some((w) => w.length < 4) || !three.some((w) => w.length >= 6)) continue;
        const phrase = three.join(' ');
        if (!text.includes(phrase)) continue;
        const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM statements WHERE strpos(text, $1) > 0', [phrase]);
        if (n.rows[0].n === 1) return { statementId, phrase };
      }
    }
    throw new Error('no phrase found in a single statement');
  });
}

/** Drives the same path on several processes at once, the connections split between them; req/s summed. */
async function driveAll(targets: Target[], headers: Record<string, string>, connections: number, seconds: number): Promise<Run> {
  const per = Math.max(1, Math.floor(connections / targets.length));
  const runs = await Promise.all(targets.map((t) => drive(t, headers, per, seconds)));
  const rps = runs.reduce((a, r) => a + r.rps, 0);
  return {
    rps,
    p99: Math.max(...runs.map((r) => r.p99)),
    cpu: runs.reduce((a, r) => a + r.cpu * r.rps, 0) / rps,
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
  };
}

async function measure(label: string, url: string, dir: string, opts: Options): Promise<void> {
  const env = (n: number) => ({
    WHOSAID_DATABASE_URL: url,
    WHOSAID_DEMO: label === 'demo' ? '1' : '0',
    WHOSAID_LOG_KEY: path.join(dir, 'whosaid-log.key'),
    WHOSAID_RATE_LIMIT_PER_KEY: '1000000000',
    WHOSAID_RATE_LIMIT_PER_ADDRESS: '1000000000',
    WHOSAID_LOG_LEVEL: 'info',
    WHOSAID_PUBLIC_READS: '0',
    WHOSAID_DB: path.join(dir, `unused-${n}.db`),
  });
  const started: Started[] = [];
  try {
    // One after the other: the first loads the demo and makes the admin key, the second finds both there.
    const log = path.join(dir, `whosaid-${label}-1.log`);
    started.push(await start([ENTRY], env(1), log, '/readyz'));
    started.push(await start([ENTRY], env(2), path.join(dir, `whosaid-${label}-2.log`), '/readyz'));
    const key = /wsk_\S+/.exec(readFileSync(log, 'utf8'))?.[0];
    if (!key) throw new Error(`no admin key in ${log}`);
    const express = await start(['--input-type=module', '-e', BARE_EXPRESS], {}, path.join(dir, 'express.log'), '/healthz');
    started.push(express);
    const { statementId, phrase } = await pickRequests(url);
    const routes = [
      { name: '`GET /healthz`', short: 'healthz', path: '/healthz' },
      { name: '`GET /v1/statements/{id}`', short: 'statement', path: `/v1/statements/${statementId}` },
      { name: '`GET /v1/statements/{id}/provenance`', short: 'provenance', path: `/v1/statements/${statementId}/provenance` },
      { name: '`GET /v1/search?q=<rare phrase>`', short: 'search', path: `/v1/search?q=${encodeURIComponent(phrase)}` },
    ].filter((r) => !opts.routes || opts.routes.includes(r.short));
    const on = (s: Started, p: string, name: string, short: string): Target => ({ name, short, port: s.port, pid: s.child.pid, path: p });
    const bare = [on(express, '/healthz', 'bare Express 5 (one JSON route)', 'express')];
    // Each target: the processes it drives at once.
    const targets: Array<{ label: string; procs: Target[] }> = [{ label: 'bare Express 5 (one JSON route)', procs: bare }];
    for (const r of routes) {
      targets.push({ label: `${r.name}, one process`, procs: [on(started[0], r.path, r.name, r.short)] });
      targets.push({
        label: `${r.name}, two processes`,
        procs: [on(started[0], r.path, r.name, r.short), on(started[1], r.path, r.name, r.short)],
      });
    }
    const headers = { authorization: `Bearer ${key}` };
    for (const t of targets)
      for (const p of t.procs) {
        const res = await fetch(`http://127.0.0.1:${p.port}${p.path}`, { headers });
        if (!res.ok) throw new Error(`${p.name}: ${p.path} answered ${res.status}: ${await res.text()}`);
      }
    // Warm-up: JIT, PostgreSQL's buffers, the pools' connections.
    for (const t of targets) await driveAll(t.procs, headers, opts.connections, 1);
    const runs = new Map(targets.map((t) => [t, [] as Run[]]));
    for (let r = 0; r < opts.rounds; r++) {
      for (const t of targets.map((_, i) => targets[(i + r) % targets.length])) {
        const run = await driveAll(t.procs, headers, opts.connections, opts.seconds);
        if (run.non2xx || run.errors) throw new Error(`${t.label}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        runs.get(t)!.push(run);
      }
    }
    const med = (t: (typeof targets)[number]) => {
      const rs = runs.get(t)!;
      return { rps: median(rs.map((x) => x.rps)), p99: median(rs.map((x) => x.p99)), cpu: median(rs.map((x) => x.cpu)) };
    };
    const express1 = med(targets[0]);
    console.log(`\n### ${label === 'demo' ? 'demo story' : `${Number(label).toLocaleString('en')} statements`} on PostgreSQL\n`);
    console.log(`statement ${statementId}; rare phrase "${phrase}"\n`);
    console.log('| request | processes | req/s (median) | p99 latency | × bare Express | two ÷ one | whosaid CPU per request |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${targets[0].label} | 1 | ${int(express1.rps)} | ${express1.p99} ms | 1.00× | | ${Math.round(express1.cpu)} µs |`);
    for (let i = 1; i < targets.length; i += 2) {
      const one = med(targets[i]);
      const two = med(targets[i + 1]);
      for (const [n, m] of [
        [1, one],
        [2, two],
      ] as const) {
        console.log(
          `| ${targets[i].procs[0].name} | ${n} | ${int(m.rps)} | ${m.p99} ms | ${(m.rps / express1.rps).toFixed(2)}× | ${n === 2 ? `${(two.rps / one.rps).toFixed(2)}×` : ''} | ${Number.isNaN(m.cpu) ? '–' : `${Math.round(m.cpu)} µs`} |`,
        );
      }
    }
  } finally {
    await Promise.all(started.map(stop));
  }
}

export async function run(args: Record<string, string>): Promise<void> {
  const opts = httpOptions(args, 5);
  const { dbs } = opts;
  const commit = buildForBench();
  console.log(
    `commit ${commit}; autocannon -c ${opts.connections}, ${opts.seconds} s per run, ${opts.rounds} interleaved rounds, medians; PostgreSQL pool ${process.env.WHOSAID_DATABASE_POOL ?? 10} per process; load average at start ${loadAverage()} (${os.cpus().length} cores shared by the load generator, the servers, PostgreSQL and anything else running)`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-bench-http-pg-'));
  try {
    for (const label of dbs) {
      if (label === 'demo') {
        const cluster = await startCluster();
        try {
          await admin(cluster.url, (c) => c.query('CREATE DATABASE whosaid_demo'));
          await measure('demo', withDatabase(cluster.url, 'whosaid_demo'), dir, opts);
        } finally {
          stopCluster(cluster.dir);
        }
        continue;
      }
      const synthetic = await syntheticPostgres(Number(label));
      const base = new URL(synthetic.url);
      base.pathname = '/postgres';
      try {
        await admin(base.toString(), (c) => c.query('CREATE DATABASE whosaid_http TEMPLATE whosaid'));
        await measure(label, withDatabase(base.toString(), 'whosaid_http'), dir, opts);
      } finally {
        await admin(base.toString(), (c) => c.query('DROP DATABASE IF EXISTS whosaid_http')).catch(() => {});
        synthetic.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average at end ${loadAverage()}`);
}
