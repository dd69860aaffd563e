import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Validator } from '@seriousme/openapi-schema-validator';
import { makeTestApp } from './helpers/test-app.js';
import { openApiPath } from '../src/http/route.js';
import { DESK_PAGES } from '../src/desk/desk-routes.js';

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
      // And the desk's pages and files (src/desk/), served beside the routes.
      assert.equal(documented.length, t.routes.length + DESK_PAGES.length);
      // Every $ref resolves.
      const refs = JSON.stringify(body).match(/#\/components\/schemas\/[^"]+/g) ?? [];
      for (const ref of new Set(refs)) assert.ok(body.components.schemas[ref.split('/')[3]], `${ref} does not resolve`);
    });
  });

  describe('GET /openapi.json, checked by a second validator', () => {
    it('passes @seriousme/openapi-schema-validator, which resolves every $ref with nothing beside it', async () => {
      const t = await makeTestApp();
      const { body } = await t.anon.get('/openapi.json').expect(200);
      const validator = new Validator();
      const result = await validator.validate(body);
      assert.equal(result.valid, true, JSON.stringify(result.errors));
      // It resolves a $ref by replacing its object, so a keyword beside a $ref would be lost (or break it).
      const beside: string[] = [];
      const walk = (node: unknown, at: string): void => {
        if (!node || typeof node !== 'object') return;
        if ('$ref' in node && Object.keys(node).length > 1) beside.push(at);
        for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
      };
      walk(body, '#');
      assert.deepEqual(beside, []);
      assert.ok(validator.resolveRefs());
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
