import assert from 'node:assert/strict';
import { loadConfig, StartupError } from '../src/config.js';
import express from 'express';
import request from 'supertest';
import { helmetPlain, helmetSecure } from '../src/http/security-headers.js';
import { makeTestApp } from './helpers/test-app.js';

const httpsOnly = (res: { headers: Record<string, string> }) => ({
  hsts: res.headers['strict-transport-security'] !== undefined,
  upgrade: /upgrade-insecure-requests/.test(res.headers['content-security-policy'] ?? ''),
});

describe('security headers', () => {
  describe('plain HTTP (the default)', () => {
    it('sends a CSP without upgrade-insecure-requests and no HSTS, on the page and the API', async () => {
      const t = await makeTestApp();
      for (const path of ['/', '/style.css', '/v1/actors', '/healthz']) {
        const res = await t.as('reader').get(path).set('Host', 'newsroom-box:3000');
        assert.match(res.headers['content-security-policy'], /default-src 'self'/, path);
        assert.deepEqual(httpsOnly(res), { hsts: false, upgrade: false }, path);
      }
    });

    it('ignores X-Forwarded-Proto from a proxy it was not told to trust', async () => {
      const t = await makeTestApp();
      const res = await t.anon.get('/').set('X-Forwarded-Proto', 'https');
      assert.deepEqual(httpsOnly(res), { hsts: false, upgrade: false });
    });
  });

  describe('WHOSAID_TLS=1', () => {
    it('adds HSTS and upgrade-insecure-requests to every response', async () => {
      const t = await makeTestApp({ deps: { tls: true } });
      assert.deepEqual(httpsOnly(await t.anon.get('/')), { hsts: true, upgrade: true });
      assert.deepEqual(httpsOnly(await t.anon.get('/healthz')), { hsts: true, upgrade: true });
    });
  });

  describe('behind a trusted proxy (WHOSAID_TRUST_PROXY)', () => {
    it('adds them when the proxy says the request came over HTTPS, not when it came over HTTP', async () => {
      const t = await makeTestApp({ deps: { trustProxy: 'loopback' } });
      assert.deepEqual(httpsOnly(await t.anon.get('/').set('X-Forwarded-Proto', 'https')), { hsts: true, upgrade: true });
      assert.deepEqual(httpsOnly(await t.anon.get('/').set('X-Forwarded-Proto', 'http')), { hsts: false, upgrade: false });
      assert.deepEqual(httpsOnly(await t.anon.get('/')), { hsts: false, upgrade: false });
    });

    it('reads hop counts and address lists from the environment, and refuses anything else', () => {
      assert.equal(loadConfig({}).trustProxy, false);
      assert.equal(loadConfig({ WHOSAID_TRUST_PROXY: '1' }).trustProxy, 1);
      assert.equal(loadConfig({ WHOSAID_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, 'loopback, 10.0.0.0/8');
      assert.throws(() => loadConfig({ WHOSAID_TRUST_PROXY: 'yes please' }), StartupError);
      assert.equal(loadConfig({ WHOSAID_TLS: '1' }).tls, true);
    });
  });

  describe('recorded once at start', () => {
    // Every header helmet itself sets (or removes), with the same value, on the app's responses.
    const helmetOnly = (res: { headers: Record<string, string> }) =>
      Object.fromEntries(
        Object.entries(res.headers).filter(([name]) => !['date', 'connection', 'content-length', 'keep-alive'].includes(name)),
      );
    for (const [variant, options, make] of [
      ['plain HTTP', {}, helmetPlain],
      ['WHOSAID_TLS=1', { tls: true }, helmetSecure],
    ] as const) {
      it(`are exactly helmet's own headers (${variant})`, async () => {
        const bare = express().use(make());
        bare.get('/x', (_req, res) => {
          res.end();
        });
        const expected = helmetOnly(await request(bare).get('/x').set('X-Powered-By', 'x'));
        const t = await makeTestApp({ deps: options });
        const res = await t.anon.get('/healthz');
        for (const [name, value] of Object.entries(expected)) assert.equal(res.headers[name], value, name);
        assert.equal(res.headers['x-powered-by'], undefined);
      });
    }
  });
});
