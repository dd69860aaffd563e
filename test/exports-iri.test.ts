import { firstValue } from './helpers/rows.js';
import assert from 'node:assert/strict';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import type { AppDeps } from '../src/app.js';
import { asText } from './helpers/text-body.js';

// Every export a client can fetch, as the text another system would store.
async function everyExport(t: TestApp, headers: Record<string, string>): Promise<Array<[string, string]>> {
  const one = async (sql: string) => firstValue(await t.db.queryFirst(sql)) as number;
  const doc = await one('SELECT document_id FROM tags ORDER BY id LIMIT 1');
  const claim = await one('SELECT id FROM claims WHERE verdict IS NOT NULL ORDER BY id LIMIT 1');
  const paths = [
    '/v1/exports/prov',
    `/v1/exports/prov?documentId=${doc}`,
    `/v1/exports/prov?claimId=${claim}`,
    '/v1/exports/prov?format=provn',
    `/v1/exports/prov?documentId=${doc}&format=provn`,
    '/v1/exports/prov?format=provxml',
    `/v1/exports/prov?claimId=${claim}&format=provxml`,
    `/v1/claims/${claim}/claimreview`,
    `/v1/documents/${doc}/annotations`,
    `/v1/documents/${doc}/annotations?page=0`,
  ];
  const out: Array<[string, string]> = [];
  for (const path of paths) {
    const req = t.http.get(path);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    const res = await asText(req);
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    out.push([path, res.body as string]);
  }
  return out;
}

const FORGED = { Host: 'attacker.example:6666', 'X-Forwarded-Host': 'forwarded.attacker.example', 'X-Forwarded-Proto': 'https' };

describe('exported IRIs', () => {
  const app = (deps: Partial<AppDeps> = {}) => makeTestApp({ demo: true, deps });

  describe('without WHOSAID_PUBLIC_URL', () => {
    it('every export uses http://localhost:<port> and never a forged Host header', async () => {
      const t = await app();
      for (const [path, text] of await everyExport(t, FORGED)) {
        assert.ok(!text.includes('attacker.example'), `${path} names the forged host`);
        assert.ok(text.includes('http://localhost:3000/'), `${path} uses the default base`);
      }
    });

    it('never takes X-Forwarded-Host either, even behind a trusted proxy', async () => {
      const t = await app({ trustProxy: true });
      for (const [path, text] of await everyExport(t, FORGED)) {
        assert.ok(!text.includes('attacker.example'), `${path} names the forged forwarded host`);
        assert.ok(!text.includes('https://localhost'), `${path} took the forwarded protocol`);
      }
    });

    it('follows the configured port', async () => {
      const t = await app({ port: 8123 });
      for (const [path, text] of await everyExport(t, {})) {
        assert.ok(text.includes('http://localhost:8123/'), `${path} uses the configured port`);
        assert.ok(!text.includes('localhost:3000'), `${path} uses the default port`);
      }
    });
  });

  describe('with WHOSAID_PUBLIC_URL', () => {
    it('every export uses it, whatever host the request named', async () => {
      const t = await app({ publicUrl: 'https://whosaid.example.org', trustProxy: true });
      const exports = await everyExport(t, FORGED);
      for (const [path, text] of exports) {
        assert.ok(!text.includes('attacker.example'), `${path} names the forged host`);
        assert.ok(!text.includes('localhost'), `${path} names localhost`);
        assert.ok(text.includes('https://whosaid.example.org/'), `${path} uses WHOSAID_PUBLIC_URL`);
      }
      const prov = JSON.parse(exports[0][1]);
      assert.deepEqual(prov.prefix, { whosaid: 'https://whosaid.example.org/id/' });
      const review = JSON.parse(exports.find(([path]) => path.endsWith('/claimreview'))![1]);
      assert.match(review['@id'], /^https:\/\/whosaid\.example\.org\/id\/claim-\d+-review$/);
    });

    it('is read from the environment by the configuration', async () => {
      const { loadConfig } = await import('../src/config.js');
      const { publicBase } = await import('../src/exports/iri.js');
      const config = loadConfig({ WHOSAID_PUBLIC_URL: 'https://news.example.org/', PORT: '4000' });
      assert.equal(publicBase(config.publicUrl, config.port), 'https://news.example.org');
      const local = loadConfig({ PORT: '4000' });
      assert.equal(publicBase(local.publicUrl, local.port), 'http://localhost:4000');
      const defaults = loadConfig({});
      assert.equal(publicBase(defaults.publicUrl, defaults.port), 'http://localhost:3000');
    });
  });
});
