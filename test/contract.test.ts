import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createHttpServer } from '../src/http/server.js';
import { route } from '../src/http/route.js';
import { appOf } from './helpers/contract-app.js';
import { takeViolations } from './helpers/contract.js';
import { demoBundle, demoId, makeTestApp } from './helpers/test-app.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const root = path.resolve(import.meta.dirname, '..');

// What the shared hook (helpers/contract-hooks.ts, installed by .mocharc.json for every suite) does.
describe('response contract', () => {
  describe('a response the OpenAPI document does not declare', () => {
    it('fails the test that produced it, naming the request, and only that test', function () {
      this.timeout(60000);
      const run = spawnSync(
        process.execPath,
        ['node_modules/mocha/bin/mocha.js', '--reporter', 'dot', 'test/fixtures/contract-violations.ts'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      const out = run.stdout + run.stderr;
      assert.notEqual(run.status, 0, out);
      assert.match(out, /1 passing/, out);
      assert.match(out, /2 failing/, out);
      assert.match(out, /GET \/teapot → 418: GET \/teapot does not declare status 418/, out);
      assert.match(out, /GET \/misshapen → 200: GET \/misshapen 200 application\/json body does not match its schema/, out);
    });

    it('is recorded for an undeclared status, a body off its schema and an undeclared content type', async () => {
      const app = await appOf([
        route({
          method: 'get',
          path: '/created',
          tag: 'service',
          access: 'public',
          summary: 'Answers 201 where 200 is declared',
          status: 200,
          response: 'health',
          handler: ({ res }) => {
            res.status(201);
            return { status: 'ok' as const, version: '1' };
          },
        }),
        route({
          method: 'get',
          path: '/extra',
          tag: 'service',
          access: 'public',
          summary: 'A member the schema does not allow',
          status: 200,
          response: 'health',
          handler: () => ({ status: 'ok', version: '1', secret: 'x' }) as never,
        }),
        route({
          method: 'get',
          path: '/text',
          tag: 'service',
          access: 'public',
          summary: 'Sends text where JSON is declared',
          status: 200,
          response: 'health',
          handler: ({ res }) => {
            res.type('text/plain').send('ok');
            return undefined as never;
          },
        }),
      ]);
      takeViolations();
      await request(app).get('/created').expect(201);
      await request(app).get('/extra').expect(200);
      await request(app).get('/text').expect(200);
      await request(app).post('/text').expect(405);
      const found = takeViolations().map((v) => `${v.request}: ${v.problem}`);
      assert.equal(found.length, 3, found.join('\n'));
      assert.match(found[0], /^GET \/created → 201: GET \/created does not declare status 201/);
      assert.match(found[1], /^GET \/extra → 200: .*body does not match its schema: \/ must NOT have additional properties/);
      assert.match(found[2], /^GET \/text → 200: GET \/text 200 does not declare text\/plain/);
    });
  });

  describe('responses the issue found undeclared', () => {
    it('are declared: a PROV export of a missing record, re-posts that create nothing, the probes', async () => {
      const t = await makeTestApp({ demo: true });
      const claim = await demoId(t.db, 'claim', demoBundle().claims[0].key);
      await t.http.get('/v1/exports/prov?documentId=9999').expect(404);
      await t.http.post('/v1/bundles').send(demoBundle()).expect(200);
      const { body: link } = await t.http.get(`/v1/claims/${claim}`).expect(200);
      const first = link.statements[0];
      await t.http
        .post(`/v1/claims/${claim}/statements`)
        .send({ statementId: first.statementId ?? first.id, stance: first.stance })
        .expect(200);
      await t.anon.get('/healthz').expect(200);
      await t.anon.get('/readyz').expect(200);
      await t.anon.get('/openapi.json').expect(200);
      assert.deepEqual(takeViolations(), []);
      const { body: doc } = await t.anon.get('/openapi.json');
      for (const p of ['/healthz', '/readyz', '/openapi.json'])
        assert.ok(doc.paths[p].get.responses['200'].content['application/json'].schema.$ref, `${p} declares its body`);
    });

    it("declares 431 on every operation, with the body Node's server sends", async () => {
      const t = await makeTestApp();
      const { body: doc } = await t.anon.get('/openapi.json');
      const shared = doc.components.responses.HeadersTooLarge;
      for (const [p, ops] of Object.entries<Record<string, { responses: Record<string, { $ref?: string }> }>>(doc.paths))
        for (const [m, op] of Object.entries(ops))
          assert.equal(op.responses['431']?.$ref, '#/components/responses/HeadersTooLarge', `${m} ${p}`);
      const server = createHttpServer(t.app).listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const { port } = server.address() as AddressInfo;
        const res = await fetch(`http://127.0.0.1:${port}/v1/search?q=${'a'.repeat(300 * 1024)}`);
        assert.equal(res.status, 431);
        assert.equal(res.headers.get('content-type'), Object.keys(shared.content)[0]);
        const ajv = addFormats(new Ajv2020({ strict: false }));
        const validate = ajv.compile({ ...shared.content['application/problem+json'].schema, components: doc.components });
        assert.ok(validate(await res.json()), JSON.stringify(validate.errors));
      } finally {
        server.close();
      }
    });
  });
});
