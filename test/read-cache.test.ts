import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createApp } from '../src/app.js';
import type { Db } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { mountRoutes } from '../src/http/mount.js';
import { route } from '../src/http/route.js';
import { ReadCache } from '../src/shared/read-cache.js';
import type { Role, Viewer } from '../src/shared/viewer.js';
import { closeAfterTest, migratedPostgresDatabase, testDialect } from './helpers/test-db.js';
import { makeTestApp, schemaRegistry } from './helpers/test-app.js';

// Reads kept in memory until the database changes: answers of `cached` routes (src/http/mount.ts) and
// keys that authenticated (src/access/key-service.ts). What matters is that nothing kept outlives a
// change, whoever makes it, and that what one role was answered never reaches another.

/** Two connections to one fresh database: the service's, and another writer's (a CLI, another process). */
async function twoConnections(): Promise<{ served: Db; other: Db }> {
  if (testDialect === 'postgres') {
    const url = await migratedPostgresDatabase();
    return { served: closeAfterTest(new PostgresDb(url, { size: 2 })), other: closeAfterTest(new PostgresDb(url, { size: 1 })) };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-read-cache-'));
  const file = path.join(dir, 'whosaid.db');
  const served = closeAfterTest(await openMigrated(file));
  const other = await openMigrated(file);
  closeAfterTest({
    close: async () => {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return { served, other };
}

/** The service on the first connection, with an admin and a reader key. */
async function servedApp(db: Db) {
  const { app, services } = createApp({ db, registry: schemaRegistry() });
  const admin = (await services.keys.create('admin', 'admin', null)).secret;
  const reader = await services.keys.create('reader', 'reader', null);
  return { app, admin, reader: reader.secret, readerId: reader.key.id };
}

async function postStatement(app: express.Express, key: string, text: string): Promise<number> {
  const as = (r: request.Test) => r.set('Authorization', `Bearer ${key}`);
  const speaker = await as(request(app).post('/v1/actors')).send({ kind: 'person', identityStatus: 'named', name: 'A spokesman' });
  assert.equal(speaker.status, 201, speaker.text);
  const res = await as(request(app).post('/v1/statements')).send({
    speakerId: speaker.body.id,
    text,
    textForm: 'quote',
    kind: 'assertion',
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}

describe('kept reads', () => {
  describe('GET /v1/statements/:id and /provenance', () => {
    describe('when the statement changes through the API', () => {
      it('answers the new text at once, with a new ETag', async () => {
        const t = await makeTestApp();
        const id = await postStatement(t.app, t.keys.admin, 'First words.');
        const first = await t.http.get(`/v1/statements/${id}`).expect(200);
        assert.equal((await t.http.get(`/v1/statements/${id}`).expect(200)).headers.etag, first.headers.etag);
        await t.http.patch(`/v1/statements/${id}`).send({ text: 'Second words.' }).expect(200);
        const second = await t.http.get(`/v1/statements/${id}`).expect(200);
        assert.equal(second.body.text, 'Second words.');
        assert.notEqual(second.headers.etag, first.headers.etag);
        const provenance = await t.http.get(`/v1/statements/${id}/provenance`).expect(200);
        await t.http.patch(`/v1/statements/${id}`).send({ text: 'Third words.' }).expect(200);
        assert.notDeepEqual((await t.http.get(`/v1/statements/${id}/provenance`).expect(200)).body, provenance.body);
        assert.equal((await t.http.get(`/v1/statements/${id}/provenance`).expect(200)).body.statement.text, 'Third words.');
      });
    });

    describe('when another connection changes the database', () => {
      it('answers what that connection committed on the next request', async () => {
        const { served, other } = await twoConnections();
        const { app, admin } = await servedApp(served);
        const id = await postStatement(app, admin, 'Said before.');
        const get = () => request(app).get(`/v1/statements/${id}`).set('Authorization', `Bearer ${admin}`).expect(200);
        assert.equal((await get()).body.text, 'Said before.');
        assert.equal((await get()).body.text, 'Said before.');
        await other.execute('UPDATE statements SET text = ? WHERE id = ?', ['Said after.', id]);
        assert.equal((await get()).body.text, 'Said after.');
      });
    });

    describe('when the request is conditional or HEAD', () => {
      it('answers 304 to a matching If-None-Match and no body to HEAD, from a kept answer as from a fresh one', async () => {
        const t = await makeTestApp();
        const id = await postStatement(t.app, t.keys.admin, 'Conditional words.');
        const first = await t.http.get(`/v1/statements/${id}`).expect(200);
        await t.http.get(`/v1/statements/${id}`).set('If-None-Match', first.headers.etag).expect(304);
        const head = await t.http.head(`/v1/statements/${id}`).expect(200);
        assert.equal(head.headers.etag, first.headers.etag);
        assert.equal(head.headers['content-length'], first.headers['content-length']);
        assert.equal(head.text, undefined);
      });
    });

    describe('when the statement does not exist', () => {
      it('answers 404 every time, and 200 once it does', async () => {
        const t = await makeTestApp();
        const id = await postStatement(t.app, t.keys.admin, 'One statement.');
        await t.http.get(`/v1/statements/${id + 1}`).expect(404);
        await t.http.get(`/v1/statements/${id + 1}`).expect(404);
        const next = await postStatement(t.app, t.keys.admin, 'Another statement.');
        assert.equal(next, id + 1);
        await t.http.get(`/v1/statements/${next}`).expect(200);
      });
    });
  });

  describe('GET /v1/actors/:id', () => {
    describe("when an editor has just read an anonymous source's confidential fields", () => {
      it('never answers a reader with what the editor was answered, nor an editor with the redacted answer', async () => {
        const t = await makeTestApp();
        const secret = 'met-via-signal-7f3a';
        const source = await t
          .as('editor')
          .post('/v1/actors')
          .send({ kind: 'person', identityStatus: 'anonymous', description: 'an official', confidentialNotes: secret })
          .expect(201);
        const path = `/v1/actors/${source.body.id}`;
        for (let i = 0; i < 2; i++) {
          assert.equal((await t.as('editor').get(path).expect(200)).body.confidentialNotes, secret);
          const reader = await t.as('reader').get(path).expect(200);
          assert.ok(!reader.text.includes(secret), 'a reader was answered the confidential notes');
          assert.equal((await t.as('admin').get(path).expect(200)).body.confidentialNotes, secret);
        }
      });
    });
  });

  describe('a cached route', () => {
    /** A route answering who asked and how many times it ran, behind a header that says the role. */
    function roleEcho(db: Db) {
      let runs = 0;
      const app = express();
      app.use((req, _res, next) => {
        const role = req.get('x-role') as Role;
        req.viewer = { role, keyId: 1 } as Viewer;
        next();
      });
      const echo = route({
        method: 'get',
        path: '/echo',
        tag: 'test',
        access: 'public',
        summary: 'who asked',
        status: 200,
        response: 'health',
        cached: true,
        handler: ({ req }) => ({ status: 'ok' as const, version: `${req.viewer.role} ${++runs}` }),
      });
      mountRoutes(app, [echo], { db, registry: schemaRegistry(), bodyLimit: 1024, authorize: () => () => {} });
      return app;
    }

    describe('when two roles ask for the same URL', () => {
      it("answers each role its own answer, never the other's", async () => {
        const t = await makeTestApp();
        const app = roleEcho(t.db);
        const ask = async (role: Role) => (await request(app).get('/echo').set('x-role', role).expect(200)).body.version;
        const first = await ask('reader');
        const editor = await ask('editor');
        assert.match(editor, /^editor /);
        assert.match(first, /^reader /);
        if (testDialect === 'sqlite') {
          // Kept: the handler ran once per role, whatever the order of asking.
          assert.equal(await ask('reader'), first);
          assert.equal(await ask('editor'), editor);
        }
      });
    });

    describe('when the route is not a GET answering JSON', () => {
      it('refuses to mount it', async () => {
        const t = await makeTestApp();
        const bad = route({
          method: 'post',
          path: '/x',
          tag: 'test',
          summary: 'x',
          status: 200,
          response: 'health',
          cached: true,
          handler: () => ({ status: 'ok' as const, version: '1' }),
        });
        assert.throws(
          () => mountRoutes(express(), [bad], { db: t.db, registry: schemaRegistry(), bodyLimit: 1, authorize: () => () => {} }),
          /only a GET/,
        );
      });
    });
  });

  describe('API keys', () => {
    describe('when a key that has authenticated is revoked through the API', () => {
      it('refuses it on the next request', async () => {
        const t = await makeTestApp();
        const readerId = (await t.http.get('/v1/keys').expect(200)).body.items.find((k: { role: string }) => k.role === 'reader').id;
        await t.as('reader').get('/v1/statements').expect(200);
        await t.as('reader').get('/v1/statements').expect(200);
        await t.http.delete(`/v1/keys/${readerId}`).expect(204);
        await t.as('reader').get('/v1/statements').expect(401);
      });
    });

    describe('when another connection revokes it (the CLI)', () => {
      it('refuses it on the next request', async () => {
        const { served, other } = await twoConnections();
        const { app, reader, readerId } = await servedApp(served);
        const list = () => request(app).get('/v1/statements').set('Authorization', `Bearer ${reader}`);
        await list().expect(200);
        await list().expect(200);
        await other.execute('UPDATE api_keys SET revoked_at = ? WHERE id = ?', ['2026-11-29T12:00:00.000Z', readerId]);
        await list().expect(401);
      });
    });

    describe("when another secret is presented with an authenticated key's id", () => {
      it('refuses it', async () => {
        const t = await makeTestApp();
        await t.as('reader').get('/v1/statements').expect(200);
        const forged = t.keys.reader.replace(/_[A-Za-z0-9_-]{43}$/, `_${'A'.repeat(43)}`);
        assert.notEqual(forged, t.keys.reader);
        await request(t.app).get('/v1/statements').set('Authorization', `Bearer ${forged}`).expect(401);
        await t.as('reader').get('/v1/statements').expect(200);
      });
    });
  });

  describe('ReadCache', () => {
    describe('when the version changes', () => {
      it('forgets everything kept under the old one', () => {
        const c = new ReadCache<string>(10);
        assert.equal(c.get('a', 'v1'), undefined);
        c.set('a', 'v1', 'A');
        assert.equal(c.get('a', 'v1'), 'A');
        assert.equal(c.get('a', 'v2'), undefined);
        assert.equal(c.get('a', 'v1'), undefined);
        assert.equal(c.size, 0);
      });
    });

    describe('when a value was computed under a version that has since moved on', () => {
      it('does not keep it', () => {
        const c = new ReadCache<string>(10);
        c.get('a', 'v1');
        c.get('b', 'v2');
        c.set('a', 'v1', 'stale');
        assert.equal(c.get('a', 'v2'), undefined);
        assert.equal(c.size, 0);
      });
    });

    describe('when the version is unknown (null)', () => {
      it('keeps nothing', () => {
        const c = new ReadCache<string>(10);
        c.get('a', null);
        c.set('a', null, 'A');
        assert.equal(c.get('a', null), undefined);
        assert.equal(c.size, 0);
      });
    });

    describe('when full', () => {
      it('lets the oldest go, by count and by weight', () => {
        const byCount = new ReadCache<string>(2);
        byCount.get('', 'v');
        for (const k of ['a', 'b', 'c']) byCount.set(k, 'v', k);
        assert.deepEqual(
          ['a', 'b', 'c'].map((k) => byCount.get(k, 'v')),
          [undefined, 'b', 'c'],
        );
        const byWeight = new ReadCache<string>(100, 5, (s) => s.length);
        byWeight.get('', 'v');
        byWeight.set('a', 'v', 'xx');
        byWeight.set('b', 'v', 'yyy');
        byWeight.set('c', 'v', 'zz');
        byWeight.set('huge', 'v', 'way too long');
        assert.deepEqual(
          ['a', 'b', 'c', 'huge'].map((k) => byWeight.get(k, 'v')),
          [undefined, 'yyy', 'zz', undefined],
        );
      });
    });
  });

  describe('Db.readVersion', () => {
    describe('on each dialect', () => {
      it('moves with every commit on SQLite, and is unknown (null) on PostgreSQL', async () => {
        const { served, other } = await twoConnections();
        if (served.dialect === 'postgres') {
          assert.equal(served.readVersion(), null);
          return;
        }
        const v0 = served.readVersion();
        assert.equal(served.readVersion(), v0);
        await other.execute(`INSERT INTO api_keys (name, role, hash, created_at) VALUES ('k0', 'reader', 'x', '2026-11-29')`);
        const v1 = served.readVersion();
        assert.notEqual(v1, v0);
        await served.execute(`INSERT INTO api_keys (name, role, hash, created_at) VALUES ('k', 'reader', 'x', '2026-11-29')`);
        assert.notEqual(served.readVersion(), v1);
        await served.transaction(async () => assert.equal(served.readVersion(), null));
      });
    });
  });
});
