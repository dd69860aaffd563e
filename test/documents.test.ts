import assert from 'node:assert/strict';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';

describe('documents', () => {
  let t: TestApp;
  let outlet: number;
  beforeEach(async () => {
    t = await makeTestApp();
    outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'The Telegraph' })).body.id;
  });
  const doc = { title: 'Iran warned Russia', url: 'https://example.org/a', publishedOn: '2024-04', byline: 'Staff', body: 'Text.' };

  describe('POST /v1/documents', () => {
    it('creates a document with its body', async () => {
      const res = await t.http
        .post('/v1/documents')
        .send({ ...doc, outletId: outlet })
        .expect(201);
      assert.equal(res.body.publishedOnPrecision, 'month');
      assert.equal(res.body.body, 'Text.');
      assert.equal(((await t.db.queryFirst('SELECT outlet_id FROM documents WHERE id = ?', [res.body.id])) as Row).outlet_id, outlet);
    });
    it('validates url, title and outlet', async () => {
      const before = await snapshot(t.db);
      expectFieldErrors(await t.http.post('/v1/documents').send({ ...doc, url: 'not a url', title: '' }), ['/url', '/title', '/outletId']);
      expectProblem(await t.http.post('/v1/documents').send({ ...doc, outletId: 999 }), 422);
      assert.deepEqual(await snapshot(t.db), before);
    });
  });

  describe('GET /v1/documents', () => {
    it('lists without bodies, filtered by outlet', async () => {
      const other = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Reuters' })).body.id;
      await t.http
        .post('/v1/documents')
        .send({ ...doc, outletId: outlet })
        .expect(201);
      await t.http
        .post('/v1/documents')
        .send({ ...doc, outletId: other })
        .expect(201);
      const res = await t.http.get(`/v1/documents?outletId=${other}`).expect(200);
      assert.equal(res.body.items.length, 1);
      assert.equal('body' in res.body.items[0], false);
    });
    it('refuses unknown filters', async () => {
      expectFieldErrors(await t.http.get('/v1/documents?outlet=2'), ['/outlet'], 'query');
    });
  });

  describe('GET /v1/documents/:id', () => {
    it('reads one; 404s for none', async () => {
      const { body } = await t.http.post('/v1/documents').send({ ...doc, outletId: outlet });
      assert.equal((await t.http.get(`/v1/documents/${body.id}`).expect(200)).body.body, 'Text.');
      expectProblem(await t.http.get('/v1/documents/999'), 404);
    });
  });

  describe('PATCH /v1/documents/:id', () => {
    it('changes the body and clears the url', async () => {
      const { body } = await t.http.post('/v1/documents').send({ ...doc, outletId: outlet });
      const res = await t.http.patch(`/v1/documents/${body.id}`).send({ body: 'New text.', url: null }).expect(200);
      assert.equal(res.body.body, 'New text.');
      assert.equal(res.body.url, null);
    });
    it('refuses a null title and an unknown outlet', async () => {
      const { body } = await t.http.post('/v1/documents').send({ ...doc, outletId: outlet });
      expectFieldErrors(await t.http.patch(`/v1/documents/${body.id}`).send({ title: null }), ['/title']);
      expectProblem(await t.http.patch(`/v1/documents/${body.id}`).send({ outletId: 999 }), 422);
      expectProblem(await t.http.patch('/v1/documents/999').send({ title: 'x' }), 404);
    });
  });

  describe('DELETE /v1/documents/:id', () => {
    it('refuses while hops are in it; cascades on request', async () => {
      const d = (await t.http.post('/v1/documents').send({ ...doc, outletId: outlet })).body;
      const s = (await t.http.post('/v1/statements').send({ speakerId: outlet, text: 'x', textForm: 'quote', kind: 'assertion' })).body;
      const r = (await t.http.post(`/v1/statements/${s.id}/relays`).send({ relayedById: outlet, documentId: d.id, mode: 'verbatim' })).body;
      const body = expectProblem(await t.http.delete(`/v1/documents/${d.id}`), 409);
      assert.deepEqual(body.references, [{ type: 'relay', id: r.id, field: 'documentId' }]);
      await t.http.delete(`/v1/documents/${d.id}?cascade=true`).expect(204);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM relays')) as { n: number }).n, 0);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM statements')) as { n: number }).n, 1);
    });
    it('404s', async () => {
      expectProblem(await t.http.delete('/v1/documents/999'), 404);
    });
  });
});
