import assert from 'node:assert/strict';
import { makeTestApp } from './helpers/test-app.js';

const lines = (logs: string[]) => logs.map((l) => JSON.parse(l) as Record<string, unknown>);
const requestLines = (logs: string[]) => lines(logs).filter((l) => l.msg === 'request');

describe('logs', () => {
  describe('a request', () => {
    it('is one JSON line: id, method, route pattern, status, duration and key id, nothing more', async () => {
      const t = await makeTestApp({ demo: true });
      t.logs.length = 0;
      const res = await t.as('reader').get('/v1/actors/1?expand=whatever-secret-query').expect(400);
      const [line] = requestLines(t.logs);
      assert.equal(line.level, 'info');
      assert.equal(line.method, 'GET');
      assert.equal(line.route, '/v1/actors/:id');
      assert.equal(line.status, 400);
      assert.equal(typeof line.ms, 'number');
      assert.equal(line.reqId, res.headers['x-request-id']);
      const readerKey = (await t.db.queryFirst(`SELECT id FROM api_keys WHERE name = 'test reader'`)) as { id: number };
      assert.equal(line.keyId, readerKey.id);
      assert.doesNotMatch(t.logs.join('\n'), /whatever-secret-query|authorization|Bearer/i);
      assert.deepEqual(Object.keys(line).sort(), ['keyId', 'level', 'method', 'ms', 'msg', 'pid', 'reqId', 'route', 'status', 'time']);
    });

    it('never logs a body: a posted statement text stays out of the log', async () => {
      const t = await makeTestApp();
      t.logs.length = 0;
      const speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Ana' })).body;
      await t.http
        .post('/v1/statements')
        .send({ speakerId: speaker.id, text: 'words-from-the-body', textForm: 'quote', kind: 'assertion' })
        .expect(201);
      assert.equal(requestLines(t.logs).length, 2);
      assert.doesNotMatch(t.logs.join('\n'), /words-from-the-body|Ana/);
    });

    it('logs a path with no route as route null, not the path someone typed', async () => {
      const t = await makeTestApp();
      t.logs.length = 0;
      await t.anon.get('/v1/nothing-here/typed-text').expect(404);
      const [line] = requestLines(t.logs);
      assert.equal(line.route, null);
      assert.equal(line.status, 404);
      assert.doesNotMatch(t.logs.join('\n'), /typed-text/);
    });
  });

  describe('X-Request-Id', () => {
    it('is generated for each request and sent back', async () => {
      const t = await makeTestApp();
      const a = (await t.anon.get('/healthz')).headers['x-request-id'];
      const b = (await t.anon.get('/healthz')).headers['x-request-id'];
      assert.match(a, /^[0-9a-f-]{36}$/);
      assert.notEqual(a, b);
    });

    it('keeps a well-formed incoming id and replaces anything else', async () => {
      const t = await makeTestApp();
      t.logs.length = 0;
      const kept = await t.as('reader').get('/v1/actors').set('X-Request-Id', 'edge-7f3a9c01.42');
      assert.equal(kept.headers['x-request-id'], 'edge-7f3a9c01.42');
      assert.equal(requestLines(t.logs)[0].reqId, 'edge-7f3a9c01.42');
      const replaced = await t.as('reader').get('/v1/actors').set('X-Request-Id', 'x"}\u00e9 injected {"level":"fatal');
      assert.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/);
      assert.doesNotMatch(t.logs.join('\n'), /injected/);
    });
  });

  describe('probes', () => {
    it('log /healthz and /readyz only at debug level', async () => {
      const t = await makeTestApp();
      t.logs.length = 0;
      await t.anon.get('/healthz').expect(200);
      await t.anon.get('/readyz').expect(200);
      assert.deepEqual(
        requestLines(t.logs).map((l) => [l.route, l.level]),
        [
          ['/healthz', 'debug'],
          ['/readyz', 'debug'],
        ],
      );
    });
  });

  describe('an internal error', () => {
    it('is one error line carrying the request id and the route, beside the request line', async () => {
      const t = await makeTestApp();
      await t.http.post('/v1/claims').send({ text: 'x' }).expect(201);
      await t.db.execute('DROP TABLE statement_claims');
      t.logs.length = 0;
      const res = await t.http.get('/v1/claims/1').expect(500);
      const errors = lines(t.logs).filter((l) => l.level === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].reqId, res.headers['x-request-id']);
      assert.equal(errors[0].route, '/v1/claims/:id');
      assert.equal(requestLines(t.logs)[0].status, 500);
    });
  });
});
