import assert from 'node:assert/strict';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';

describe('errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });

  describe('malformed requests', () => {
    it('400s malformed JSON', async () => {
      const body = expectProblem(
        await t.http.post('/v1/actors').set('content-type', 'application/json').send('{"kind":'),
        400,
        'malformed-json',
      );
      assert.doesNotMatch(JSON.stringify(body), /SyntaxError|at \w+ \(/);
    });
    it('413s an oversized body', async () => {
      const small = await makeTestApp({ deps: { bodyLimit: 1000 } });
      expectProblem(
        await small.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'x'.repeat(2000) }),
        413,
        'payload-too-large',
      );
    });
    it('415s a body that is not JSON', async () => {
      expectProblem(await t.http.post('/v1/actors').set('content-type', 'text/plain').send('kind=person'), 415);
    });
    it('400s a JSON primitive as body', async () => {
      expectProblem(await t.http.post('/v1/actors').set('content-type', 'application/json').send('"hello"'), 400);
    });
    it('400s a body on a route that takes none', async () => {
      expectProblem(await t.http.get('/v1/actors').set('content-type', 'application/json').send('{"a":1}'), 400, 'unexpected-body');
    });
  });

  describe('unknown routes', () => {
    it('404s an unknown path as problem+json', async () => {
      expectProblem(await t.http.get('/v1/nothing'), 404, 'not-found');
    });
    it('405s a known path with another method, with Allow', async () => {
      const res = await t.http.put('/v1/actors');
      expectProblem(res, 405, 'method-not-allowed');
      assert.match(res.headers.allow, /GET/);
      assert.match(res.headers.allow, /POST/);
    });
  });

  describe('internal errors', () => {
    it('500s without stack or SQL, and logs one line', async () => {
      await t.db.execute('DROP TABLE statement_claims');
      const res = await t.http.get('/v1/claims/1');
      // claim 1 does not exist: 404 comes before any join; force the join through a real claim
      if (res.status === 404) {
        await t.http.post('/v1/claims').send({ text: 'x' }).expect(201);
      }
      const res2 = await t.http.get('/v1/claims/1');
      const body = expectProblem(res2, 500, 'internal');
      assert.doesNotMatch(JSON.stringify(body), /SELECT|statement_claims|at /);
      assert.equal(t.logs.filter((l) => l.includes('"level":"error"')).length, 1);
    });
  });
});

describe('http server', () => {
  describe('very long request lines', () => {
    it('lets a 10,000-character quote through to validation, and answers past the limit with problem+json', async () => {
      const { createHttpServer } = await import('../src/http/server.js');
      const t = await makeTestApp();
      const server = createHttpServer(t.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const port = (server.address() as import('node:net').AddressInfo).port;
      try {
        const q = encodeURIComponent('😀'.repeat(10000));
        const res = await fetch(`http://127.0.0.1:${port}/v1/search?q=${q}`, { headers: { Authorization: `Bearer ${t.keys.reader}` } });
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
        const huge = await fetch(`http://127.0.0.1:${port}/v1/search?q=${'a'.repeat(300 * 1024)}`).catch((e) => e);
        assert.ok(!(huge instanceof Error), String(huge));
        assert.equal(huge.status, 431);
        assert.equal((await huge.json()).code, 'headers-too-large');
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  });
});
