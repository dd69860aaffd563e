import assert from 'node:assert/strict';
import express, { type Express } from 'express';
import request from 'supertest';
import { jsonSender } from '../src/http/send-json.js';
import { makeTestApp } from './helpers/test-app.js';

const BODIES: Record<string, unknown> = {
  small: { status: 'ok', version: '0.1.0' },
  unicode: { text: 'Ça dépend — «Никто» 说 “quoted” \u2028 😀', n: [1, 2.5, null, true] },
  large: { items: Array.from({ length: 300 }, (_, i) => ({ id: i, text: `statement ${i} é` })) },
};

/** The same bodies answered by Express's res.json and by the service's sender, side by side. */
function pair(configure?: (app: Express) => void): Express {
  const app = express();
  configure?.(app);
  const send = jsonSender(app);
  for (const [name, body] of Object.entries(BODIES)) {
    app.get(`/express/${name}`, (_req, res) => void res.status(name === 'large' ? 201 : 200).json(body));
    app.get(`/service/${name}`, (req, res) => send(req, res.status(name === 'large' ? 201 : 200), body));
  }
  return app;
}

const comparable = (res: request.Response) => ({
  status: res.status,
  text: res.text,
  'content-type': res.headers['content-type'],
  'content-length': res.headers['content-length'],
  etag: res.headers.etag,
  'transfer-encoding': res.headers['transfer-encoding'],
});

describe('JSON replies', () => {
  describe('the service sender', () => {
    it("answers as Express's res.json: headers, weak ETag and body", async () => {
      const app = pair();
      for (const name of Object.keys(BODIES)) {
        const e = await request(app).get(`/express/${name}`);
        const s = await request(app).get(`/service/${name}`);
        assert.deepEqual(comparable(s), comparable(e), name);
        assert.match(s.headers.etag, /^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
      }
    });

    it("answers 304 to a matching If-None-Match and HEAD without a body, as Express's res.json", async () => {
      const app = pair();
      for (const name of Object.keys(BODIES)) {
        const { etag } = (await request(app).get(`/express/${name}`)).headers;
        for (const path of [`/express/${name}`, `/service/${name}`]) {
          const fresh = await request(app).get(path).set('If-None-Match', etag);
          assert.equal(fresh.status, 304, path);
          assert.equal(fresh.headers['content-type'], undefined, path);
          assert.equal(fresh.headers['content-length'], undefined, path);
          assert.equal(fresh.headers.etag, etag, path);
          assert.equal((await request(app).get(path).set('If-None-Match', 'W/"other"')).status, name === 'large' ? 201 : 200);
        }
        const e = await request(app).head(`/express/${name}`);
        const s = await request(app).head(`/service/${name}`);
        assert.deepEqual(comparable(s), comparable(e), `HEAD ${name}`);
      }
    });

    it('leaves to res.json what it does not cover: JSON settings, a type or ETag already set', async () => {
      const spaced = pair((app) => app.set('json spaces', 2));
      assert.equal((await request(spaced).get('/service/small')).text, JSON.stringify(BODIES.small, null, 2));
      const app = express();
      const send = jsonSender(app);
      app.get('/typed', (req, res) => send(req, res.type('application/problem+json'), BODIES.small));
      app.get('/tagged', (req, res) => send(req, res.set('ETag', '"mine"'), BODIES.small));
      assert.equal((await request(app).get('/typed')).headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal((await request(app).get('/tagged')).headers.etag, '"mine"');
    });
  });

  describe('GET /v1/statements/:id', () => {
    it('carries a weak ETag of its body, as before', async () => {
      const t = await makeTestApp({ demo: true });
      const res = await t.as('reader').get('/v1/statements/1').expect(200);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
      assert.match(res.headers.etag, new RegExp(`^W/"${Buffer.byteLength(res.text).toString(16)}-`));
    });
  });
});
