import assert from 'node:assert/strict';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Claim } from '../src/generated/schema-types.js';

describe('claims', () => {
  let t: TestApp;
  let statement: number;
  beforeEach(async () => {
    t = await makeTestApp();
    const a = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Peskov' })).body.id;
    statement = (
      await t.http
        .post('/v1/statements')
        .send({ speakerId: a, text: 'I do not know anything about this.', textForm: 'quote', kind: 'no_comment' })
    ).body.id;
  });

  describe('POST /v1/claims', () => {
    it('creates a claim with a verdict', async () => {
      const res = await t.http
        .post('/v1/claims')
        .send({ text: 'Iran warned Russia', verdict: { rating: 'unproven', reviewedBy: 'Desk' } })
        .expect(201);
      assert.equal(res.body.verdict.rating, 'unproven');
      assert.ok(
        ((await t.db.queryFirst('SELECT verdict FROM claims WHERE id = ?', [res.body.id])) as { verdict: string }).verdict.includes(
          'unproven',
        ),
      );
    });
    it('validates text and verdict', async () => {
      expectFieldErrors(await t.http.post('/v1/claims').send({ verdict: { rating: 'pants_on_fire' } }), ['/text', '/verdict/rating']);
    });
  });

  describe('GET /v1/claims', () => {
    it('filters rated claims and claims of a statement', async () => {
      const c1 = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      await t.http.post('/v1/claims').send({ text: 'B', verdict: { rating: 'false' } });
      await t.http.post(`/v1/claims/${c1}/statements`).send({ statementId: statement, stance: 'declines_to_comment' }).expect(201);
      assert.deepEqual(
        (await t.http.get('/v1/claims?rated=true').expect(200)).body.items.map((c: Claim) => c.text),
        ['B'],
      );
      assert.deepEqual(
        (await t.http.get(`/v1/claims?statementId=${statement}`).expect(200)).body.items.map((c: Claim) => c.text),
        ['A'],
      );
      expectFieldErrors(await t.http.get('/v1/claims?rated=maybe'), ['/rated'], 'query');
    });
  });

  describe('GET /v1/claims/:id', () => {
    it('reads a claim with statements and stance; 404s for none', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'denies' });
      const res = await t.http.get(`/v1/claims/${c}`).expect(200);
      assert.deepEqual(
        res.body.statements.map((s: { statementId: number; stance: string }) => [s.statementId, s.stance]),
        [[statement, 'denies']],
      );
      expectProblem(await t.http.get('/v1/claims/999'), 404);
    });
  });

  describe('PATCH /v1/claims/:id', () => {
    it('sets and clears a verdict', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      assert.equal(
        (
          await t.http
            .patch(`/v1/claims/${c}`)
            .send({ verdict: { rating: 'false' } })
            .expect(200)
        ).body.verdict.rating,
        'false',
      );
      assert.equal((await t.http.patch(`/v1/claims/${c}`).send({ verdict: null }).expect(200)).body.verdict, null);
      expectProblem(await t.http.patch('/v1/claims/999').send({ text: 'x' }), 404);
    });
  });

  describe('DELETE /v1/claims/:id', () => {
    it('refuses while linked; cascades the links', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'supports' });
      const before = await snapshot(t.db);
      expectProblem(await t.http.delete(`/v1/claims/${c}`), 409);
      assert.deepEqual(await snapshot(t.db), before);
      await t.http.delete(`/v1/claims/${c}?cascade=true`).expect(204);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM statement_claims')) as { n: number }).n, 0);
    });
  });

  describe('POST /v1/claims/:id/statements', () => {
    it('links with a stance, and changes the stance when posted again', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'supports' }).expect(201);
      await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'disputes' }).expect(200);
      assert.deepEqual(await t.db.query('SELECT stance FROM statement_claims'), [{ stance: 'disputes' }]);
    });
    it('refuses a bad stance, an unknown statement and an unknown claim', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      expectFieldErrors(await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'likes' }), ['/stance']);
      expectProblem(await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: 999, stance: 'supports' }), 422);
      expectProblem(await t.http.post('/v1/claims/999/statements').send({ statementId: statement, stance: 'supports' }), 404);
    });
  });

  describe('DELETE /v1/claims/:id/statements/:statementId', () => {
    it('unlinks; 404s when there is no such link', async () => {
      const c = (await t.http.post('/v1/claims').send({ text: 'A' })).body.id;
      await t.http.post(`/v1/claims/${c}/statements`).send({ statementId: statement, stance: 'supports' });
      await t.http.delete(`/v1/claims/${c}/statements/${statement}`).expect(204);
      expectProblem(await t.http.delete(`/v1/claims/${c}/statements/${statement}`), 404);
    });
  });
});
