// npm run bench -- --only=verify [--verify-size=150000] [--verify-seconds=4]
//
// The transparency log at size: a store of --verify-size changes (default 150,000) behind a listening
// server on a database file.
// 1. /healthz latency while GET /v1/changes/verify walks the whole log again and again (target: p99 under
//    50 ms), against a baseline measured in the same run with nothing else running.
// 2. Proof cost: inclusion and consistency proofs at this size against the same proofs at 1/100 of it
//    (RFC 9162 proofs are O(log n): the ratio stays near log(n)/log(n/100), nowhere near 100).
// Data: claims inserted with one SQL statement, history on (the triggers hash and tree every row as
// usual); the database is kept under /tmp and reused while the generator version and size match.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { OPERATOR } from '../src/access/field-permissions.js';
import { createApp } from '../src/app.js';
import { openMigrated } from '../src/db/open.js';
import { assertServiceSettings } from '../src/db/sqlite-settings.js';
import { createLogger } from '../src/logging/logger.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';

const GENERATOR_VERSION = 'verify-1';
const DIR = '/tmp/whosaid-bench-verify';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};
const median = (xs: number[]) => pct(xs, 0.5);

export async function run(args: Record<string, string>): Promise<void> {
  const size = Number(args['verify-size'] ?? 150_000);
  const seconds = Number(args['verify-seconds'] ?? 4);
  const file = path.join(DIR, `whosaid-${GENERATOR_VERSION}-${size}.db`);
  if (!existsSync(file)) {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
  }
  const db = await openMigrated(file);
  assertServiceSettings(db.sqlite, 'the verify benchmark connection');
  const have = (db.sqlite.prepare('SELECT coalesce(max(seq), 0) AS n FROM changes').get() as { n: number }).n;
  if (have < size) {
    const started = performance.now();
    await db.writeAs(OPERATOR, async () => {
      db.sqlite.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${size - have})
        INSERT INTO claims (text, verdict, created_at, updated_at)
        SELECT 'Generated claim number ' || i, CASE i % 3 WHEN 0 THEN 'false' ELSE NULL END,
               '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`);
    });
    console.log(`built ${size - have} changes in ${((performance.now() - started) / 1000).toFixed(1)} s (${file})`);
  }
  const { app, services, jobs } = createApp({
    db,
    registry: createSchemaRegistry(),
    logger: createLogger({ level: 'silent' }),
  }) as ReturnType<typeof createApp> & { jobs?: { close(): Promise<void> } };
  const editor = await db.writeAs(OPERATOR, async () => (await services.keys.create('bench editor', 'editor', null)).secret);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const get = (p: string, key?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: p, agent, headers: key ? { authorization: `Bearer ${key}` } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      })
        .on('error', reject)
        .end();
    });
  const probe = async (until: () => boolean) => {
    const ms: number[] = [];
    while (!until()) {
      const t = performance.now();
      await get('/healthz');
      ms.push(performance.now() - t);
    }
    return ms;
  };

  try {
    const t0 = performance.now();
    const baseline = await probe(() => performance.now() - t0 > seconds * 1000);

    let verifying = true;
    const runs: number[] = [];
    const loop = (async () => {
      const t1 = performance.now();
      while (performance.now() - t1 < seconds * 1000 || runs.length < 2) {
        const t = performance.now();
        const res = await get('/v1/changes/verify', editor);
        if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${res.text.slice(0, 200)}`);
        const v = JSON.parse(res.text) as { intact: boolean; treeSize: number };
        if (!v.intact || v.treeSize < size) throw new Error(`verify: ${res.text.slice(0, 300)}`);
        runs.push(performance.now() - t);
      }
      verifying = false;
    })();
    const during = await probe(() => !verifying);
    await loop;

    const row = (name: string, xs: number[]) =>
      `| ${name} | ${xs.length} | ${median(xs).toFixed(2)} | ${pct(xs, 0.99).toFixed(2)} | ${Math.max(...xs).toFixed(2)} |`;
    console.log(
      `\n/healthz while GET /v1/changes/verify walks ${size.toLocaleString('en')} changes (editor key, ${runs.length} full verifies, median ${(median(runs) / 1000).toFixed(2)} s each)\n`,
    );
    console.log('| /healthz | requests | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |');
    console.log(row('baseline (nothing else running)', baseline));
    console.log(row('during full verify', during));
    const p99 = pct(during, 0.99);
    console.log(
      `\np99 during verify: ${p99.toFixed(2)} ms (target < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'}); ratio to baseline p99 ${(p99 / pct(baseline, 0.99)).toFixed(1)}×`,
    );

    // Proof cost at this size and at 1/100 of it, interleaved rounds, medians.
    const small = Math.max(2, Math.floor(size / 100));
    const timeProofs = async (n: number) => {
      const t = performance.now();
      for (let i = 0; i < 200; i++) {
        await services.log.inclusion(1 + ((i * 7919) % n), n);
        await services.log.consistency(1 + ((i * 104729) % (n - 1)), n);
      }
      return (performance.now() - t) / 400;
    };
    const big: number[] = [];
    const little: number[] = [];
    for (let r = 0; r < 5; r++) {
      little.push(await timeProofs(small));
      big.push(await timeProofs(size));
    }
    console.log(
      `\nproofs: ${(median(big) * 1000).toFixed(0)} µs each at ${size.toLocaleString('en')} changes, ${(median(little) * 1000).toFixed(0)} µs at ${small.toLocaleString('en')} (100× fewer): ratio ${(median(big) / median(little)).toFixed(2)}`,
    );
  } finally {
    agent.destroy();
    await new Promise((r) => server.close(r));
    await jobs?.close();
    await db.close();
  }
}
