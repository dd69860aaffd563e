import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeTestApp } from './helpers/test-app.js';
import { openApiPath } from '../src/http/route.js';

describe('service', () => {
  describe('GET /openapi.json', () => {
    it('is OpenAPI 3.1 and documents every mounted route with its schemas', async () => {
      const t = await makeTestApp();
      const { body } = await t.http.get('/openapi.json').expect(200);
      assert.equal(body.openapi, '3.1.0');
      for (const r of t.routes) {
        const op = body.paths[openApiPath(r.path)]?.[r.method];
        assert.ok(op, `${r.method} ${r.path} missing from OpenAPI`);
        assert.ok(op.responses[String(r.status)], `${r.method} ${r.path} lacks its success status`);
        if (r.body) assert.equal(op.requestBody.content['application/json'].schema.$ref, `#/components/schemas/${r.body}`);
      }
      const documented = Object.entries<object>(body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
      assert.equal(documented.length, t.routes.length);
      // Every $ref resolves.
      const refs = JSON.stringify(body).match(/#\/components\/schemas\/[^"]+/g) ?? [];
      for (const ref of new Set(refs)) assert.ok(body.components.schemas[ref.split('/')[3]], `${ref} does not resolve`);
    });
  });

  describe('GET /healthz', () => {
    it('answers ok', async () => {
      const t = await makeTestApp();
      assert.equal((await t.http.get('/healthz').expect(200)).body.status, 'ok');
    });
  });

  describe('generated types', () => {
    it('are in step with schemas/ (npm run gen:types)', function () {
      this.timeout(30000);
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-types.ts', '--check'], { stdio: 'pipe' });
    });
  });
});
