// The full audit report and the full PROV export read the whole database page by page: both must read it
// as it was when they started, however many writes land while they stream, on either database.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { createApp, type Services } from '../src/app.js';
import type { Db } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { SqliteDb } from '../src/db/sqlite-db.js';
import { JsonSink } from '../src/http/json-sink.js';
import { PROV_WRITERS } from '../src/exports/prov-formats.js';
import type { AuditReport } from '../src/generated/schema-types.js';
import { demoBundle, demoId, schemaRegistry } from './helpers/test-app.js';
import { closeTestDb, openTestDb, testDialect } from './helpers/test-db.js';

const FILLERS = 300;
const INSERT = `INSERT INTO statements (speaker_id, text, text_form, kind, circumstances, created_at, updated_at) VALUES (?, ?, 'quote', 'assertion', '["in_custody"]', 'now', 'now')`;

interface Fixture {
  app: Express;
  db: Db;
  services: Services;
  key: string;
  http: () => ReturnType<typeof request>;
  done(): Promise<void>;
}

/**
 * The demo and FILLERS more statements in custody. A file database on SQLite: an in-memory one has a single
 * connection and no snapshot (a second reader needs a file); on PostgreSQL the database lent to the test.
 */
async function fixture(): Promise<Fixture> {
  const dir = testDialect === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'whosaid-snapshot-')) : null;
  const db = dir ? await openMigrated(path.join(dir, 'w.db')) : await openTestDb();
  const { app, services } = createApp({ db, registry: schemaRegistry() });
  const key = (await services.keys.create('t', 'admin', null)).secret;
  await request(app).post('/v1/bundles').set('Authorization', `Bearer ${key}`).send(demoBundle()).expect(201);
  const speaker = await demoId(db, 'actor', 'putin');
  await db.withoutHistory(() =>
    db.transaction(async () => {
      for (let i = 0; i < FILLERS; i++) await db.execute(INSERT, [speaker, `filler ${i}`]);
    }),
  );
  return {
    app,
    db,
    services,
    key,
    http: () => request(app),
    async done() {
      await (dir ? db.close() : closeTestDb(db));
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sink that collects the body and, at its `at`-th page, waits for `write` (a write landing mid-stream). */
function sinkWritingAt(at: number, write: () => Promise<void>): { sink: JsonSink; body: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const sink = new JsonSink(out);
  const drain = sink.drain.bind(sink);
  let pages = 0;
  sink.drain = async (force?: boolean) => {
    if (++pages === at) await write();
    return drain(force);
  };
  return { sink, body: () => Buffer.concat(chunks).toString('utf8') };
}

/** Statements in custody with new relays, written as a request would write them (history and all). */
async function writeMore(f: Fixture, n: number): Promise<void> {
  const speaker = await demoId(f.db, 'actor', 'putin');
  const reuters = await demoId(f.db, 'actor', 'reuters');
  for (let i = 0; i < n; i++) {
    await f
      .http()
      .post('/v1/statements')
      .set('Authorization', `Bearer ${f.key}`)
      .send({ speakerId: speaker, text: `written mid-stream ${i}`, textForm: 'quote', kind: 'assertion', circumstances: ['in_custody'] })
      .expect(201);
  }
  const statement = (await f.db.queryFirst<{ id: number }>('SELECT min(id) AS id FROM statements'))!.id;
  await f
    .http()
    .post(`/v1/statements/${statement}/relays`)
    .set('Authorization', `Bearer ${f.key}`)
    .send({ relayedById: reuters, mode: 'verbatim' })
    .expect((res) => assert.equal(res.status, 201, res.text));
}

const count = async (db: Db, table: string) => Number((await db.queryFirst<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);

describe('reading the whole database while others write', function () {
  this.timeout(60_000);
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(async () => {
    await f.done();
  });

  describe('the full audit report', () => {
    it('counts and judges the database as it was when the report started', async () => {
      const statements = await count(f.db, 'statements');
      const { sink, body } = sinkWritingAt(3, () => writeMore(f, 5));
      await f.services.audits.streamAll(sink);
      assert.equal(await count(f.db, 'statements'), statements + 5, 'the writes landed while it streamed');

      const report = JSON.parse(body()) as AuditReport;
      assert.equal(report.summary.statements.total, statements);
      const custody = report.findings.filter((x) => x.ruleId === 'CONTEXT-CUSTODY');
      assert.equal(custody.length, FILLERS + 2);
      assert.equal(report.summary.findings.total, report.findings.length);
      for (const [rule, counts] of Object.entries(report.summary.findings.byRule))
        assert.equal(counts.total, report.findings.filter((x) => x.ruleId === rule).length, rule);
      assert.ok(!body().includes('written mid-stream'));
      assert.equal(f.services.audits.verify(report as unknown as Record<string, unknown>).intact, true);
    });

    it('gives its connection back when the client goes away mid-report', async () => {
      const pool = f.db instanceof PostgresDb ? f.db.pool : null;
      const server = f.app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        await new Promise<void>((resolve, reject) => {
          const req = get({ port, host: '127.0.0.1', path: '/v1/audits', headers: { Authorization: `Bearer ${f.key}` } }, (res) => {
            assert.equal(res.statusCode, 200);
            // Gone as soon as the report has begun (its header is sent before the first page is read).
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', reject);
        });
        // The report stops at its next page, on the server side of the closed socket.
        for (let i = 0; i < 200 && !(await released(f.db, pool)); i++) await new Promise((r) => setTimeout(r, 25));
        assert.equal(await released(f.db, pool), true, 'the snapshot still holds its connection');
      } finally {
        server.close();
      }
    });
  });

  describe('the full PROV export', () => {
    it('exports the database as it was when the export started', async () => {
      const statements = await count(f.db, 'statements');
      const relays = await count(f.db, 'relays');
      const { sink, body } = sinkWritingAt(2, () => writeMore(f, 5));
      await f.services.exports.streamProv(sink, PROV_WRITERS.json);
      assert.equal(await count(f.db, 'statements'), statements + 5, 'the writes landed while it streamed');

      const prov = JSON.parse(body()) as { entity: Record<string, unknown> };
      const entities = Object.keys(prov.entity);
      assert.equal(entities.filter((k) => k.startsWith('whosaid:statement-')).length, statements);
      assert.equal(entities.filter((k) => k.startsWith('whosaid:relay-')).length, relays);
      assert.ok(!body().includes('written mid-stream'));
    });
  });
});

/**
 * Whether no read snapshot is still open: on PostgreSQL every pooled connection is idle; on SQLite no reader
 * pins the write-ahead log, so a truncating checkpoint completes.
 */
async function released(db: Db, pool: PostgresDb['pool'] | null): Promise<boolean> {
  if (pool) return pool.idleCount === pool.totalCount;
  const { sqlite } = db as SqliteDb;
  // Without waiting: a busy handler here would block the event loop, and with it the report that must stop.
  const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result.busy === 0;
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
}
