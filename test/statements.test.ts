import assert from 'node:assert/strict';
import { makeTestApp, snapshot, demoId, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';
import type { FieldError, ProvenanceHop, Statement } from '../src/generated/schema-types.js';

describe('statements', () => {
  let t: TestApp;
  let speaker: number;
  let fsb: number;
  beforeEach(async () => {
    t = await makeTestApp();
    speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'unidentified', description: 'a detained man' })).body
      .id;
    fsb = (await t.http.post('/v1/actors').send({ kind: 'organisation', identityStatus: 'named', name: 'FSB' })).body.id;
  });
  const quote = () => ({
    speakerId: speaker,
    text: 'I took them weapons from Makhachkala.',
    textForm: 'quote',
    kind: 'confirmation',
    saidOn: '2024-03',
    medium: 'video',
    mediumPublisherId: fsb,
    circumstances: ['in_custody'],
    language: 'en',
    originalLanguage: 'ru',
  });

  describe('POST /v1/statements', () => {
    it('records a statement with partial date, medium, publisher and circumstances', async () => {
      const res = await t.http.post('/v1/statements').send(quote()).expect(201);
      assert.equal(res.body.saidOn, '2024-03');
      assert.equal(res.body.saidOnPrecision, 'month');
      assert.deepEqual(res.body.circumstances, ['in_custody']);
      const row = (await t.db.queryFirst('SELECT * FROM statements WHERE id = ?', [res.body.id])) as Row;
      assert.equal(row.said_from, '2024-03-01');
      assert.equal(row.said_to, '2024-03-31');
      assert.equal(row.medium_publisher_id, fsb);
    });
    it('keeps an unknown date unknown', async () => {
      const res = await t.http
        .post('/v1/statements')
        .send({ ...quote(), saidOn: null })
        .expect(201);
      assert.equal(res.body.saidOnPrecision, 'unknown');
    });
    describe('when invalid', () => {
      it('refuses impossible dates, bad enums, duplicates and missing fields', async () => {
        const before = await snapshot(t.db);
        expectFieldErrors(await t.http.post('/v1/statements').send({ ...quote(), saidOn: '2024-02-30' }), ['/saidOn']);
        expectFieldErrors(await t.http.post('/v1/statements').send({ ...quote(), saidOn: '24-3' }), ['/saidOn']);
        expectFieldErrors(await t.http.post('/v1/statements').send({ ...quote(), circumstances: ['in_custody', 'in_custody'] }), [
          '/circumstances',
        ]);
        expectFieldErrors(await t.http.post('/v1/statements').send({ ...quote(), kind: 'rumour' }), ['/kind']);
        expectFieldErrors(await t.http.post('/v1/statements').send({ speakerId: speaker }), ['/text', '/textForm', '/kind']);
        expectFieldErrors(await t.http.post('/v1/statements').send({ ...quote(), text: '' }), ['/text']);
        assert.deepEqual(await snapshot(t.db), before);
      });
      it('422s for a speaker or publisher that does not exist', async () => {
        const body = expectProblem(await t.http.post('/v1/statements').send({ ...quote(), speakerId: 999, mediumPublisherId: 998 }), 422);
        assert.deepEqual(
          body.errors.map((e: FieldError) => e.pointer),
          ['/speakerId', '/mediumPublisherId'],
        );
      });
    });
  });

  describe('GET /v1/statements', () => {
    it('filters by speaker, kind, claim, document and date range', async () => {
      const t2 = await makeTestApp({ demo: true });
      const peskov = await demoId(t2.db, 'actor', 'peskov');
      const bySpeaker = await t2.http.get(`/v1/statements?speakerId=${peskov}`).expect(200);
      assert.deepEqual(
        bySpeaker.body.items.map((s: Statement) => s.text),
        ['I do not know anything about this.'],
      );
      const byKind = await t2.http.get('/v1/statements?kind=warning').expect(200);
      assert.equal(byKind.body.items.length, 1);
      const claim = await demoId(t2.db, 'claim', 'iran-warned-russia');
      const byClaim = await t2.http.get(`/v1/statements?claimId=${claim}`).expect(200);
      assert.equal(byClaim.body.items.length, 4);
      const reuters = await demoId(t2.db, 'document', 'reuters-report');
      const byDoc = await t2.http.get(`/v1/statements?documentId=${reuters}`).expect(200);
      assert.equal(byDoc.body.items.length, 5);
      const march = await t2.http.get('/v1/statements?saidFrom=2024-03-01&saidTo=2024-03-31').expect(200);
      // Month-precise March statements, plus year-precise 2024 ones that may fall in March.
      assert.ok(march.body.items.some((s: Statement) => s.saidOn === '2024-03'));
      assert.ok(!march.body.items.some((s: Statement) => s.saidOn === '2024-04'));
      const april = await t2.http.get('/v1/statements?saidFrom=2024-04&saidTo=2024-04').expect(200);
      assert.ok(!april.body.items.some((s: Statement) => s.saidOn === '2024-03'));
    });
    it('refuses bad filters', async () => {
      expectFieldErrors(await t.http.get('/v1/statements?saidFrom=yesterday'), ['/saidFrom'], 'query');
      expectFieldErrors(await t.http.get('/v1/statements?speakerId=-1'), ['/speakerId'], 'query');
    });
  });

  describe('GET /v1/statements/:id', () => {
    it('reads one with its claims', async () => {
      const t2 = await makeTestApp({ demo: true });
      const res = await t2.http.get(`/v1/statements/${await demoId(t2.db, 'statement', 'peskov-no-comment')}`).expect(200);
      assert.deepEqual(res.body.claims, [{ claimId: await demoId(t2.db, 'claim', 'iran-warned-russia'), stance: 'declines_to_comment' }]);
    });
    it('404s', async () => {
      expectProblem(await t.http.get('/v1/statements/77'), 404);
    });
  });

  describe('PATCH /v1/statements/:id', () => {
    it('changes the text and recomputes the date range', async () => {
      const { body } = await t.http.post('/v1/statements').send(quote()).expect(201);
      const res = await t.http.patch(`/v1/statements/${body.id}`).send({ saidOn: '2024-03-29', circumstances: [] }).expect(200);
      assert.equal(res.body.saidOnPrecision, 'day');
      const row = (await t.db.queryFirst('SELECT said_from, said_to, circumstances FROM statements WHERE id = ?', [body.id])) as Row;
      assert.deepEqual(row, { said_from: '2024-03-29', said_to: '2024-03-29', circumstances: '[]' });
    });
    it('refuses a required field set to null and a bad speaker', async () => {
      const { body } = await t.http.post('/v1/statements').send(quote()).expect(201);
      expectFieldErrors(await t.http.patch(`/v1/statements/${body.id}`).send({ text: null }), ['/text']);
      expectProblem(await t.http.patch(`/v1/statements/${body.id}`).send({ speakerId: 4040 }), 422);
      expectProblem(await t.http.patch('/v1/statements/4040').send({ text: 'x' }), 404);
    });
  });

  describe('DELETE /v1/statements/:id', () => {
    it('refuses while it has hops, and cascades to hops and claim links', async () => {
      const t2 = await makeTestApp({ demo: true });
      const id = await demoId(t2.db, 'statement', 'tipoff');
      const body = expectProblem(await t2.http.delete(`/v1/statements/${id}`), 409);
      assert.ok(body.references.some((r: { type: string }) => r.type === 'relay'));
      assert.ok(body.references.some((r: { type: string }) => r.type === 'claim'));
      await t2.http.delete(`/v1/statements/${id}?cascade=true`).expect(204);
      assert.equal(((await t2.db.queryFirst('SELECT count(*) AS n FROM relays WHERE statement_id = ?', [id])) as { n: number }).n, 0);
      assert.equal(
        ((await t2.db.queryFirst('SELECT count(*) AS n FROM statement_claims WHERE statement_id = ?', [id])) as { n: number }).n,
        0,
      );
    });
    it('deletes a statement nobody references', async () => {
      const { body } = await t.http.post('/v1/statements').send(quote()).expect(201);
      await t.http.delete(`/v1/statements/${body.id}`).expect(204);
      expectProblem(await t.http.delete(`/v1/statements/${body.id}`), 404);
    });
  });

  describe('GET /v1/statements/:id/provenance', () => {
    it('gives the speaker, the medium publisher and a branching hop tree', async () => {
      const { body: s } = await t.http.post('/v1/statements').send(quote()).expect(201);
      const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Wire' })).body.id;
      const paper = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Paper' })).body.id;
      const h1 = (await t.http.post(`/v1/statements/${s.id}/relays`).send({ relayedById: outlet, mode: 'translation' }).expect(201)).body;
      await t.http
        .post(`/v1/statements/${s.id}/relays`)
        .send({ relayedById: paper, viaRelayId: h1.id, mode: 'verbatim', cue: 'Wire reported' })
        .expect(201);
      await t.http.post(`/v1/statements/${s.id}/relays`).send({ relayedById: fsb, viaRelayId: h1.id, mode: 'summary' }).expect(201);
      const res = await t.http.get(`/v1/statements/${s.id}/provenance`).expect(200);
      assert.equal(res.body.speaker.identityStatus, 'unidentified');
      assert.equal(res.body.mediumPublisher.name, 'FSB');
      assert.equal(res.body.hops.length, 1);
      assert.equal(res.body.hops[0].firstHand, true);
      assert.deepEqual(
        res.body.hops[0].hops.map((h: ProvenanceHop) => [h.relayedBy.name, h.depth]),
        [
          ['Paper', 2],
          ['FSB', 2],
        ],
      );
    });
    it('404s', async () => {
      expectProblem(await t.http.get('/v1/statements/9/provenance'), 404);
    });
  });
});
