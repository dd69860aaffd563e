import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';
import { MAX_JSON_DEPTH } from '../src/http/json-input.js';

const writeRoutes = (t: TestApp) => t.routes.filter((r) => r.body);
const pathOf = (p: string) => p.replace(/:[A-Za-z]+/g, '1');
const send = (t: TestApp, route: { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string }, raw: string | Buffer) =>
  t.http[route.method](pathOf(route.path)).set('content-type', 'application/json').send(raw);

describe('bad JSON input', () => {
  describe('deep nesting', () => {
    it('is a 400 naming the depth limit on every route with a body, audits/verify included, for 10,000 levels', async function () {
      this.timeout(60000);
      const t = await makeTestApp({ demo: true });
      const before = await snapshot(t.db);
      const routes = writeRoutes(t);
      assert.ok(routes.some((r) => r.path === '/v1/audits/verify'));
      for (const route of routes) {
        for (const deep of ['['.repeat(10000) + ']'.repeat(10000), `{"a":${'{"a":'.repeat(9999)}1${'}'.repeat(10000)}`]) {
          const res = await send(t, route, deep);
          expectProblem(res, 400, 'too-deep');
          assert.match(res.body.detail, new RegExp(`${MAX_JSON_DEPTH}`), `${route.method} ${route.path}`);
        }
      }
      assert.deepEqual(await snapshot(t.db), before);
    });

    it('accepts nesting up to the limit where the schema allows it', async () => {
      const t = await makeTestApp();
      const nested = (n: number): unknown => (n === 0 ? 'x' : { a: nested(n - 1) });
      const res = await t.http.post('/v1/audits/verify').send({ report: { digest: { value: 'x' }, extra: nested(MAX_JSON_DEPTH - 3) } });
      assert.ok(res.status < 500);
      assert.notEqual(res.body.code, 'too-deep');
    });
  });

  describe('lone surrogates', () => {
    it('are a 400 naming the field, whether escaped (\\ud800) or sent as raw bytes, and nothing is stored', async () => {
      const t = await makeTestApp({ demo: true });
      const before = await snapshot(t.db);
      const escaped = await t.http
        .post('/v1/actors')
        .set('content-type', 'application/json')
        .send('{"kind":"person","identityStatus":"named","name":"Ann \\ud800 Lee"}');
      expectProblem(escaped, 400);
      assert.equal(escaped.body.errors[0].pointer, '/name');
      // A UTF-16 surrogate encoded as UTF-8 (ED A0 80) is not UTF-8: refused, not stored as three U+FFFD.
      const raw = Buffer.concat([
        Buffer.from('{"kind":"person","identityStatus":"anonymous","description":"x","affiliation":"a'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('b"}'),
      ]);
      // supertest would serialise a Buffer as JSON: these bytes go over a socket as they are.
      const server = t.app.listen(0);
      try {
        const port = (server.address() as { port: number }).port;
        const res = await fetch(`http://127.0.0.1:${port}/v1/actors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.keys.admin}` },
          body: raw,
        });
        const problem = (await res.json()) as { errors: Array<{ pointer: string }> };
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
        assert.equal(problem.errors[0].pointer, '/affiliation');
      } finally {
        server.close();
      }
      const nested = await t.http
        .post('/v1/bundles')
        .set('content-type', 'application/json')
        .send(
          '{"namespace":"n","actors":[{"key":"a","kind":"person","identityStatus":"named","name":"ok"},{"key":"b","kind":"person","identityStatus":"named","name":"\\udc00"}]}',
        );
      expectProblem(nested, 400);
      assert.equal(nested.body.errors[0].pointer, '/actors/1/name');
      assert.deepEqual(await snapshot(t.db), before);
      // A well-formed pair (an emoji) is text like any other.
      const ok = await t.http
        .post('/v1/actors')
        .send({ kind: 'person', identityStatus: 'named', name: 'Ann \ud83d\ude00 Lee' })
        .expect(201);
      assert.equal(ok.body.name, 'Ann 😀 Lee');
    });
  });

  describe('NUL characters', () => {
    // PostgreSQL's text cannot hold U+0000 (22021): the write would fail there and succeed on SQLite.
    // Both refuse it before the database sees it, as a 400 naming the field.
    const nul = (pointer: string, res: { body: { errors: Array<{ pointer: string; message: string }>; detail: string } }) => {
      expectProblem(res as never, 400, 'validation-failed');
      assert.equal(res.body.errors[0].pointer, pointer);
      assert.match(res.body.errors[0].message, /NUL/);
      assert.match(res.body.detail, /U\+0000/);
    };

    it('are a 400 naming the field on every kind of write, and nothing is stored', async () => {
      const t = await makeTestApp({ demo: true });
      const before = await snapshot(t.db);
      const cases: Array<[string, string, Record<string, unknown>, string]> = [
        ['post', '/v1/actors', { kind: 'person', identityStatus: 'named', name: 'Ann\u0000Lee' }, '/name'],
        [
          'post',
          '/v1/actors',
          { kind: 'person', identityStatus: 'anonymous', description: 'an official', affiliation: 'FSB\u0000' },
          '/affiliation',
        ],
        ['patch', '/v1/actors/2', { name: '\u0000' }, '/name'],
        ['post', '/v1/statements', { speakerId: 1, text: 'said \u0000 this', textForm: 'quote', kind: 'assertion' }, '/text'],
        ['patch', '/v1/statements/1', { text: 'x\u0000' }, '/text'],
        ['post', '/v1/documents', { outletId: 1, title: 'T', body: 'a\u0000b' }, '/body'],
        ['patch', '/v1/documents/1', { title: '\u0000' }, '/title'],
        ['post', '/v1/claims', { text: 'c\u0000' }, '/text'],
        ['post', '/v1/statements/1/relays', { relayedById: 1, mode: 'verbatim', cue: 'said\u0000' }, '/cue'],
        ['patch', '/v1/relays/1', { hedge: '\u0000' }, '/hedge'],
        ['post', '/v1/documents/1/tags', { statementId: 1, selector: { exact: 'x\u0000' } }, '/selector/exact'],
        ['post', '/v1/keys', { name: 'k\u0000', role: 'reader' }, '/name'],
      ];
      for (const [method, path, body, pointer] of cases) {
        const res = await t.http[method as 'post'](path).send(body);
        nul(pointer, res);
      }
      const bundle = await t.http
        .post('/v1/bundles')
        .set('content-type', 'application/json')
        .send(
          '{"namespace":"n","actors":[{"key":"a","kind":"person","identityStatus":"named","name":"ok"},{"key":"b","kind":"person","identityStatus":"anonymous","description":"a guard\\u0000"}]}',
        );
      nul('/actors/1/description', bundle);
      const name = await t.http.post('/v1/audits/verify').set('content-type', 'application/json').send('{"report":{"a\\u0000":1}}');
      nul('/report/a\u0000', name);
      assert.deepEqual(await snapshot(t.db), before);
    });

    it('in a search query is read as a space, as every control character is (a query string is never stored)', async () => {
      const t = await makeTestApp({ demo: true });
      const res = await t.http.get('/v1/search').query({ q: 'Tehran\u0000shared' }).expect(200);
      assert.equal(res.body.query.normalised, 'Tehran shared');
    });
  });

  describe('property: every route with a body', () => {
    it('answers deep JSON and strings with lone surrogates anywhere with a 400 problem, never storing them', async function () {
      this.timeout(120000);
      const t = await makeTestApp({ demo: true });
      const lone = fc
        .constantFrom('\ud800', '\udbff', '\udc00', '\udfff')
        .chain((s) => fc.tuple(fc.string(), fc.string()).map(([a, b]) => a + s + b));
      const withLone = fc
        .letrec((tie) => ({
          value: fc.oneof(
            { depthSize: 'small' },
            lone,
            fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
            fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { minKeys: 1, maxKeys: 3 }),
          ),
        }))
        .value.filter((v) => JSON.stringify(v).includes('\\ud') || JSON.stringify(v).includes('\\ue'));
      const deep = fc.integer({ min: MAX_JSON_DEPTH + 1, max: 3000 }).map((n) => ({ depth: n }));
      for (const route of writeRoutes(t)) {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              withLone.map((v) => ({ v })),
              deep,
            ),
            async (input) => {
              const before = await snapshot(t.db);
              const text = 'depth' in input ? '['.repeat(input.depth) + ']'.repeat(input.depth) : JSON.stringify(input.v);
              const res = await send(t, route, text);
              assert.ok(res.status >= 400 && res.status < 500, `${route.method} ${route.path}: ${res.status} ${res.text}`);
              assert.match(res.headers['content-type'], /application\/problem\+json/);
              if ('depth' in input) assert.equal(res.body.code, 'too-deep');
              else if (res.status === 400 && res.body.code === 'validation-failed') assert.ok(res.body.errors.length > 0);
              assert.deepEqual(await snapshot(t.db), before);
            },
          ),
          { numRuns: 25 },
        );
      }
    });
  });
});
