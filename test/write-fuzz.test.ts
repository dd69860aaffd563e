import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';

/**
 * Arbitrary JSON and arbitrary text at every write route: the answer is 2xx, or a 4xx problem+json and
 * a database exactly as before. Never a 5xx.
 */
describe('write routes under arbitrary input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ demo: true });
  });

  const idish = fc.oneof(
    fc.constantFrom('1', '2', '5', '999999', '0', '-1', 'abc', '1e3', '%F0%9F%98%80', '9007199254740993'),
    fc.nat({ max: 30 }).map(String),
  );
  const body = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue().map((v) => ({ kind: 'json' as const, v })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((v) => ({ kind: 'raw' as const, v })) },
    {
      weight: 2,
      arbitrary: fc
        .dictionary(
          fc.constantFrom(
            'kind',
            'identityStatus',
            'name',
            'description',
            'text',
            'textForm',
            'speakerId',
            'relayedById',
            'mode',
            'viaRelayId',
            'outletId',
            'title',
            'stance',
            'statementId',
            'namespace',
            'actors',
            'saidOn',
            'verdict',
            'actsForId',
            'body',
          ),
          fc.jsonValue(),
        )
        .map((v) => ({ kind: 'json' as const, v })),
    },
  );
  const query = fc.option(fc.constantFrom('cascade=true', 'cascade=1', 'x=1', 'cascade=true&cascade=false', '%ZZ'), { nil: undefined });

  it('answers every write route with 2xx or 4xx problem+json, leaving the database unchanged on 4xx', async function () {
    this.timeout(120000);
    const writes = t.routes.filter((r) => r.method !== 'get');
    assert.ok(writes.length >= 10);
    for (const route of writes) {
      await fc.assert(
        fc.asyncProperty(body, idish, idish, query, async (b, id1, id2, q) => {
          const path = route.path.replace(':id', id1).replace(/:[A-Za-z]+/, id2) + (q ? `?${q}` : '');
          const before = await snapshot(t.db);
          let req = t.http[route.method](path);
          req =
            b.kind === 'json'
              ? req.set('content-type', 'application/json').send(JSON.stringify(b.v))
              : req.set('content-type', 'application/json').send(b.v);
          const res = await req;
          assert.ok(res.status < 500, `${route.method} ${path} gave ${res.status}: ${res.text}`);
          if (res.status >= 400) {
            assert.match(res.headers['content-type'], /application\/problem\+json/);
            assert.deepEqual(await snapshot(t.db), before, `${route.method} ${path} ${res.status} changed the database`);
          }
        }),
        { numRuns: 40 },
      );
    }
  });
});
