// Child process of bench/audits.bench.ts: serves one database, streams GET /v1/audits from it over HTTP,
// and prints one JSON line with the timings and this process's peak RSS (so nothing else inflates it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { openMigrated } from '../src/db/open.js';
import { assertServiceSettings } from '../src/db/sqlite-settings.js';

const file = process.argv[2];
const db = await openMigrated(file);
assertServiceSettings(db.sqlite, 'the streamed audit benchmark connection');
const count = (sql: string) => db.sqlite.prepare(sql).pluck().get() as number;
const sizes = {
  relays: count('SELECT count(*) FROM relays'),
  claims: count('SELECT count(*) FROM claims'),
  tags: count('SELECT count(*) FROM tags'),
};

// Baseline: the raw cost of reading the same rows once.
let t0 = process.hrtime.bigint();
let baselineRows = 0;
for (const _ of db.sqlite
  .prepare(
    'SELECT s.id, s.speaker_id, s.kind, s.circumstances, r.id, r.via_relay_id, r.cue, r.hedge FROM statements s LEFT JOIN relays r ON r.statement_id = s.id',
  )
  .raw()
  .iterate())
  baselineRows++;
const baselineMs = Number(process.hrtime.bigint() - t0) / 1e6;

const { app, services } = createApp({ db });
const key = (await services.keys.create('bench', 'reader', null)).secret;
const server = http.createServer(app).listen(0);
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as AddressInfo).port;
global.gc?.();
const rssBeforeMb = process.memoryUsage.rss() / 2 ** 20;

t0 = process.hrtime.bigint();
const result = await new Promise<{ bytes: number; ttfbMs: number; tail: string; completed: boolean }>((resolve, reject) => {
  const req = http.get({ port, path: '/v1/audits', headers: { Authorization: `Bearer ${key}` } }, (res) => {
    let bytes = 0;
    let ttfbMs = -1;
    let tail = '';
    res.on('data', (chunk: Buffer) => {
      if (ttfbMs < 0) ttfbMs = Number(process.hrtime.bigint() - t0) / 1e6;
      bytes += chunk.length;
      tail = (tail + chunk.toString('utf8')).slice(-16384);
    });
    res.on('end', () => resolve({ bytes, ttfbMs, tail, completed: res.complete && res.statusCode === 200 }));
    res.on('error', reject);
  });
  req.on('error', reject);
});
// The summary and digest close the report: read them from its last bytes.
const m = /,"summary":(\{.*\}),"digest":\{"algorithm":"sha-256","value":"[0-9a-f]{64}"\}\}$/.exec(result.tail);
const summary = m ? JSON.parse(m[1]) : null;
const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
server.close();
await db.close();
console.log(
  JSON.stringify({
    ...sizes,
    baselineMs,
    baselineRows,
    totalMs,
    ttfbMs: result.ttfbMs,
    bytes: result.bytes,
    statements: summary?.statements.total ?? null,
    findings: summary?.findings.total ?? null,
    digestOk: summary !== null,
    completed: result.completed,
    rssBeforeMb,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
