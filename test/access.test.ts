import assert from 'node:assert/strict';
import request from 'supertest';
import { makeTestApp, snapshot } from './helpers/test-app.js';
import { closeTestDb } from './helpers/test-db.js';
import { expectProblem } from './helpers/problems.js';
import { ensureAdminKey } from '../src/access/bootstrap.js';
import type { Role } from '../src/shared/viewer.js';
import type { KeyRow } from './helpers/rows.js';
import type { ApiKey } from '../src/generated/schema-types.js';

type Need = 'public' | 'reader' | 'journalist' | 'editor' | 'admin';

/**
 * Who may call what. Written out by hand, not derived from the routes: a route added without an entry
 * here fails the first test below.
 */
const MATRIX: Record<string, Need> = {
  'get /healthz': 'public',
  'get /readyz': 'public',
  'get /openapi.json': 'public',
  'post /v1/actors': 'journalist',
  'get /v1/actors': 'reader',
  'get /v1/actors/:id': 'reader',
  'patch /v1/actors/:id': 'journalist',
  'delete /v1/actors/:id': 'journalist',
  'post /v1/statements': 'journalist',
  'get /v1/statements': 'reader',
  'get /v1/statements/:id': 'reader',
  'patch /v1/statements/:id': 'journalist',
  'delete /v1/statements/:id': 'journalist',
  'get /v1/statements/:id/provenance': 'reader',
  'post /v1/statements/:id/relays': 'journalist',
  'get /v1/relays/:id': 'reader',
  'patch /v1/relays/:id': 'journalist',
  'delete /v1/relays/:id': 'journalist',
  'post /v1/documents': 'journalist',
  'get /v1/documents': 'reader',
  'get /v1/documents/:id': 'reader',
  'patch /v1/documents/:id': 'journalist',
  'delete /v1/documents/:id': 'journalist',
  'post /v1/claims': 'journalist',
  'get /v1/claims': 'reader',
  'get /v1/claims/:id': 'reader',
  'patch /v1/claims/:id': 'journalist',
  'delete /v1/claims/:id': 'journalist',
  'post /v1/claims/:id/statements': 'journalist',
  'delete /v1/claims/:id/statements/:statementId': 'journalist',
  'post /v1/bundles': 'journalist',
  'post /v1/keys': 'admin',
  'get /v1/keys': 'admin',
  'delete /v1/keys/:id': 'admin',
  'get /v1/keys/current': 'reader',
  'get /v1/changes': 'reader',
  'get /v1/changes/verify': 'editor',
  'get /v1/log/checkpoint': 'reader',
  'get /v1/log/key': 'reader',
  'get /v1/log/inclusion': 'reader',
  'get /v1/log/consistency': 'reader',
  'get /v1/audits': 'reader',
  'get /v1/audits/documents/:id': 'reader',
  'get /v1/audits/claims/:id': 'reader',
  'get /v1/audits/actors/:id': 'reader',
  'post /v1/audits/verify': 'reader',
  'get /v1/exports/prov': 'reader',
  'get /v1/claims/:id/claimreview': 'reader',
  'post /v1/documents/:id/tags': 'journalist',
  'get /v1/documents/:id/tags': 'reader',
  'get /v1/tags/:id': 'reader',
  'patch /v1/tags/:id': 'journalist',
  'delete /v1/tags/:id': 'journalist',
  'get /v1/documents/:id/annotations': 'reader',
  'get /v1/search': 'reader',
  'post /v1/attributions/extract': 'reader',
  'post /v1/documents/:id/suggestions': 'reader',
  'post /v1/documents/:id/suggestions/accept': 'journalist',
};

const RANK: Record<Need, number> = { public: 0, reader: 1, journalist: 2, editor: 3, admin: 4 };
const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];
const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('access', () => {
  describe('every route', () => {
    it('has an entry in the access matrix', async () => {
      const t = await makeTestApp();
      const routes = t.routes.map(routeKey).sort();
      assert.deepEqual(
        routes.filter((r) => !(r in MATRIX)),
        [],
        'routes without a matrix entry',
      );
      assert.deepEqual(
        Object.keys(MATRIX).filter((k) => !routes.includes(k)),
        [],
        'matrix entries without a route',
      );
    });

    it('answers no key, a malformed key, a revoked key and each role as the matrix says', async function () {
      this.timeout(120000);
      const probe = await makeTestApp();
      for (const route of probe.routes) {
        const need = MATRIX[routeKey(route)];
        const t = await makeTestApp({ demo: true });
        // Put back before the next route's app: one database reused, not one created per route.
        try {
          const revoked = await t.services.keys.create('gone', 'admin', null);
          await t.services.keys.revoke(revoked.key.id, null);
          // Key 1 is the reader's own key: revoke the spare key instead of locking a role out.
          const path = route.path
            .replace(':id', route.path.startsWith('/v1/keys') ? String(revoked.key.id + 100) : '1')
            .replace(':statementId', '1');
          const call = (auth?: string) => {
            const req = request(t.app)[route.method](path);
            return auth ? req.set('Authorization', auth) : req;
          };
          const label = `${route.method.toUpperCase()} ${route.path}`;
          const none = await call();
          const malformed = await call('Bearer not-a-key');
          const badScheme = await call(`Basic ${t.keys.admin}`);
          const gone = await call(`Bearer ${revoked.secret}`);
          if (need === 'public') {
            for (const res of [none, malformed, gone]) assert.ok(![401, 403].includes(res.status), `${label} is public, got ${res.status}`);
            continue;
          }
          for (const [what, res] of [
            ['no key', none],
            ['malformed key', malformed],
            ['non-bearer key', badScheme],
            ['revoked key', gone],
          ] as const) {
            expectProblem(res, 401, 'unauthorized');
            assert.match(res.headers['www-authenticate'], /^Bearer/, `${label} ${what}`);
          }
          for (const role of ROLES) {
            const res = await call(`Bearer ${t.keys[role]}`);
            if (RANK[role] >= RANK[need])
              assert.ok(![401, 403].includes(res.status), `${label} as ${role}: expected access, got ${res.status} ${res.text}`);
            else expectProblem(res, 403, 'forbidden');
          }
        } finally {
          await closeTestDb(t.db);
        }
      }
    });
  });

  describe('public reads', () => {
    it('are closed by default and open non-confidential reads when configured', async () => {
      const closed = await makeTestApp({ demo: true });
      expectProblem(await closed.anon.get('/v1/actors'), 401);
      const open = await makeTestApp({ demo: true, deps: { publicReads: true } });
      assert.equal((await open.anon.get('/v1/actors').expect(200)).body.items.length > 0, true);
      expectProblem(await open.anon.post('/v1/claims').send({ text: 'x' }), 401);
      expectProblem(await open.anon.get('/v1/keys'), 401);
    });
  });

  describe('POST /v1/keys', () => {
    it('creates a key shown once and stores only its hash', async () => {
      const t = await makeTestApp();
      const res = await t.http.post('/v1/keys').send({ name: 'desk', role: 'editor' }).expect(201);
      assert.match(res.body.key, /^wsk_\d+_[A-Za-z0-9_-]{43}$/);
      assert.equal(res.headers['cache-control'], 'no-store');
      const row = (await t.db.queryFirst('SELECT * FROM api_keys WHERE id = ?', [res.body.id])) as KeyRow;
      assert.equal(row.role, 'editor');
      assert.ok(!JSON.stringify(row).includes(res.body.key.replace(/^wsk_\d+_/, '')));
      assert.equal(row.hash.length, 64);
      await request(t.app).get('/v1/actors').set('Authorization', `Bearer ${res.body.key}`).expect(200);
      const list = await t.http.get('/v1/keys').expect(200);
      assert.ok(!JSON.stringify(list.body).includes(res.body.key));
      assert.ok(list.body.items.every((k: ApiKey) => !('hash' in k) && !('key' in k)));
    });
    it('validates the role', async () => {
      const t = await makeTestApp();
      expectProblem(await t.http.post('/v1/keys').send({ name: 'x', role: 'god' }), 400);
    });
    it('refuses a key whose secret is wrong by one character', async () => {
      const t = await makeTestApp();
      const k = t.keys.reader;
      const wrong = k.slice(0, -1) + (k.endsWith('A') ? 'B' : 'A');
      expectProblem(await request(t.app).get('/v1/actors').set('Authorization', `Bearer ${wrong}`), 401);
    });
  });

  describe('GET /v1/keys/current', () => {
    it("names the presented key's role and never its secret; 401 without a key, even with open reads", async () => {
      const t = await makeTestApp({ deps: { publicReads: true } });
      for (const role of ROLES) {
        const res = await t.as(role).get('/v1/keys/current').expect(200);
        assert.equal(res.body.role, role);
        assert.equal(JSON.stringify(res.body).includes('wsk_'), false);
      }
      expectProblem(await request(t.app).get('/v1/keys/current'), 401, 'unauthorized');
    });
  });

  describe('DELETE /v1/keys/:id', () => {
    it('revokes a key, which then gets 401; revoking twice is 409; unknown is 404', async () => {
      const t = await makeTestApp();
      const created = (await t.http.post('/v1/keys').send({ name: 'temp', role: 'reader' })).body;
      await t.http.delete(`/v1/keys/${created.id}`).expect(204);
      expectProblem(await request(t.app).get('/v1/actors').set('Authorization', `Bearer ${created.key}`), 401);
      expectProblem(await t.http.delete(`/v1/keys/${created.id}`), 409);
      expectProblem(await t.http.delete('/v1/keys/999'), 404);
      assert.ok((await t.http.get('/v1/keys?revoked=true').expect(200)).body.items.some((k: ApiKey) => k.id === created.id && k.revokedAt));
    });
  });

  describe('first start', () => {
    it('creates one admin key when there is none, and shows it once', async () => {
      const t = await makeTestApp();
      await t.db.execute('DELETE FROM api_keys');
      const shown: string[] = [];
      assert.equal(await ensureAdminKey(t.db, t.services.keys, (s) => shown.push(s)), true);
      assert.equal(await ensureAdminKey(t.db, t.services.keys, (s) => shown.push(s)), false);
      assert.equal(shown.length, 1);
      await request(t.app).get('/v1/keys').set('Authorization', `Bearer ${shown[0]}`).expect(200);
      const row = (await t.db.queryFirst('SELECT role, hash FROM api_keys')) as KeyRow;
      assert.equal(row.role, 'admin');
      assert.ok(!row.hash.includes(shown[0].replace(/^wsk_\d+_/, '')));
    });

    it('creates one admin key between two starts at once (two processes on one database)', async () => {
      const t = await makeTestApp();
      await t.db.execute('DELETE FROM api_keys');
      const shown: string[] = [];
      const made = await Promise.all([1, 2].map(() => ensureAdminKey(t.db, t.services.keys, (s) => shown.push(s))));
      assert.deepEqual(made.sort(), [false, true]);
      assert.equal(shown.length, 1);
      assert.equal((await t.db.queryFirst<{ n: number }>('SELECT count(*) AS n FROM api_keys'))?.n, 1);
    });
  });

  describe('attestation', () => {
    it('needs an editor, through the actor routes and through bundles', async () => {
      const t = await makeTestApp();
      const anon = { kind: 'person', identityStatus: 'anonymous', description: 'an official', attestation: { by: 'desk editor' } };
      const before = await snapshot(t.db);
      expectProblem(await t.as('journalist').post('/v1/actors').send(anon), 403, 'forbidden');
      expectProblem(
        await t
          .as('journalist')
          .post('/v1/bundles')
          .send({ namespace: 'n', actors: [{ key: 'a', ...anon }] }),
        403,
      );
      assert.deepEqual(await snapshot(t.db), before);
      const created = await t.as('editor').post('/v1/actors').send(anon).expect(201);
      assert.equal(created.body.attested, true);
      expectProblem(await t.as('journalist').patch(`/v1/actors/${created.body.id}`).send({ attestation: null }), 403);
      await t.as('journalist').patch(`/v1/actors/${created.body.id}`).send({ affiliation: 'ministry' }).expect(200);
    });
  });

  describe('hardening', () => {
    it('limits requests per key with 429 and Retry-After', async () => {
      const t = await makeTestApp({ deps: { rateLimitPerKey: 3 } });
      for (let i = 0; i < 3; i++) await t.as('reader').get('/v1/actors').expect(200);
      const res = await t.as('reader').get('/v1/actors');
      expectProblem(res, 429, 'rate-limited');
      assert.ok(Number(res.headers['retry-after']) >= 1);
      await t.as('editor').get('/v1/actors').expect(200);
    });
    it('limits requests per address, keyed or not', async () => {
      const t = await makeTestApp({ deps: { rateLimitPerAddress: 2 } });
      // /healthz no longer counts (a liveness probe is never limited): a refused keyless call does.
      await t.anon.get('/v1/actors').expect(401);
      await t.as('reader').get('/v1/actors').expect(200);
      expectProblem(await t.anon.get('/v1/actors'), 429);
    });
    it('never limits the liveness and readiness probes', async () => {
      const t = await makeTestApp({ deps: { rateLimitPerAddress: 2, rateLimitPerKey: 2 } });
      for (let i = 0; i < 10; i++) {
        await t.anon.get('/healthz').expect(200);
        await t.as('reader').get('/readyz').expect(200);
      }
      await t.as('reader').get('/v1/actors').expect(200);
      await t.as('reader').get('/v1/actors').expect(200);
      expectProblem(await t.as('reader').get('/v1/actors'), 429);
    });
    it('sends security headers, and no CORS unless configured', async () => {
      const t = await makeTestApp();
      const res = await t.as('reader').get('/v1/actors').set('Origin', 'https://elsewhere.example');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['content-security-policy']);
      assert.equal(res.headers['x-powered-by'], undefined);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      const c = await makeTestApp({ deps: { corsOrigins: ['https://desk.example'] } });
      const ok = await c.as('reader').get('/v1/actors').set('Origin', 'https://desk.example');
      assert.equal(ok.headers['access-control-allow-origin'], 'https://desk.example');
      const pre = await c.anon.options('/v1/actors').set('Origin', 'https://desk.example');
      assert.equal(pre.status, 204);
      assert.equal(
        (await c.as('reader').get('/v1/actors').set('Origin', 'https://evil.example')).headers['access-control-allow-origin'],
        undefined,
      );
    });
    it('checks access before reading or validating a body', async () => {
      const t = await makeTestApp();
      expectProblem(await t.as('reader').post('/v1/actors').set('content-type', 'application/json').send('{broken'), 403);
      expectProblem(await t.anon.post('/v1/actors').set('content-type', 'application/json').send('{broken'), 401);
    });
  });
});
