import assert from 'node:assert/strict';
import { makeTestApp, snapshot, demoId, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';
import type { FieldError } from '../src/generated/schema-types.js';

describe('relays', () => {
  let t: TestApp;
  let statement: number;
  let other: number;
  let reuters: number;
  let paper: number;
  let doc: number;
  beforeEach(async () => {
    t = await makeTestApp();
    const speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'anonymous', description: 'an official' })).body
      .id;
    reuters = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Reuters' })).body.id;
    paper = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Paper' })).body.id;
    doc = (await t.http.post('/v1/documents').send({ outletId: reuters, title: 'Report' })).body.id;
    statement = (
      await t.http
        .post('/v1/statements')
        .send({ speakerId: speaker, text: 'Tehran warned Moscow.', textForm: 'paraphrase', kind: 'assertion' })
    ).body.id;
    other = (
      await t.http.post('/v1/statements').send({ speakerId: speaker, text: 'Something else.', textForm: 'paraphrase', kind: 'assertion' })
    ).body.id;
  });
  const hop = (body: object, s = statement) => t.http.post(`/v1/statements/${s}/relays`).send(body);

  describe('POST /v1/statements/:id/relays', () => {
    it('records a first-hand hop in a document', async () => {
      const res = await hop({
        relayedById: reuters,
        documentId: doc,
        mode: 'paraphrase',
        cue: 'three sources said',
        relayedOn: '2024-04',
      }).expect(201);
      assert.equal(res.body.firstHand, true);
      assert.equal(res.body.hedge, 'said');
      assert.equal(res.body.relayedOnPrecision, 'month');
      const row = (await t.db.queryFirst('SELECT * FROM relays WHERE id = ?', [res.body.id])) as Row;
      assert.equal(row.document_id, doc);
      assert.equal(row.statement_id, statement);
    });
    it('records a hop via an earlier one as second-hand', async () => {
      const first = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      const res = await hop({ relayedById: paper, viaRelayId: first.id, mode: 'verbatim', hedge: 'claimed' }).expect(201);
      assert.equal(res.body.firstHand, false);
      assert.equal(res.body.viaRelayId, first.id);
    });
    it('records a hop of unknown origin', async () => {
      const res = await hop({ relayedById: paper, mode: 'summary', firstHand: false }).expect(201);
      assert.equal(res.body.firstHand, false);
      assert.equal(res.body.viaRelayId, null);
    });
    describe('when invalid', () => {
      it('refuses an earlier hop of another statement (422) and leaves nothing', async () => {
        const foreign = (await hop({ relayedById: reuters, mode: 'verbatim' }, other)).body;
        const before = await snapshot(t.db);
        const body = expectProblem(await hop({ relayedById: paper, viaRelayId: foreign.id, mode: 'verbatim' }), 422);
        assert.equal(body.errors[0].pointer, '/viaRelayId');
        assert.deepEqual(await snapshot(t.db), before);
      });
      it('refuses unknown actors, documents and earlier hops', async () => {
        const body = expectProblem(await hop({ relayedById: 999, documentId: 998, viaRelayId: 997, mode: 'verbatim' }), 422);
        assert.deepEqual(body.errors.map((e: FieldError) => e.pointer).sort(), ['/documentId', '/relayedById', '/viaRelayId']);
      });
      it('refuses a first-hand hop that names an earlier hop', async () => {
        const first = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
        expectProblem(await hop({ relayedById: paper, viaRelayId: first.id, firstHand: true, mode: 'verbatim' }), 422);
      });
      it('validates mode, hedge and unknown fields', async () => {
        expectFieldErrors(await hop({ relayedById: reuters, mode: 'gossip', hedge: 'maybe', statementId: 3 }), [
          '/mode',
          '/hedge',
          '/statementId',
        ]);
      });
      it('404s for an unknown statement', async () => {
        expectProblem(await hop({ relayedById: reuters, mode: 'verbatim' }, 12345), 404);
      });
    });
  });

  describe('GET /v1/relays/:id', () => {
    it('reads one, 404s for none', async () => {
      const first = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      assert.equal((await t.http.get(`/v1/relays/${first.id}`).expect(200)).body.relayedById, reuters);
      expectProblem(await t.http.get('/v1/relays/999'), 404);
    });
  });

  describe('PATCH /v1/relays/:id', () => {
    it('changes cue and hedge', async () => {
      const first = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      const res = await t.http.patch(`/v1/relays/${first.id}`).send({ cue: 'Reuters reported', hedge: 'reported' }).expect(200);
      assert.equal(res.body.cue, 'Reuters reported');
      assert.equal(((await t.db.queryFirst('SELECT hedge FROM relays WHERE id = ?', [first.id])) as Row).hedge, 'reported');
    });
    it('refuses a change that would close a cycle (409) and leaves the hops as they were', async () => {
      const a = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      const b = (await hop({ relayedById: paper, viaRelayId: a.id, mode: 'verbatim' })).body;
      const c = (await hop({ relayedById: reuters, viaRelayId: b.id, mode: 'verbatim' })).body;
      const before = await snapshot(t.db);
      const body = expectProblem(await t.http.patch(`/v1/relays/${a.id}`).send({ viaRelayId: c.id }), 409, 'conflict');
      assert.match(body.detail, /cycle/);
      expectProblem(await t.http.patch(`/v1/relays/${a.id}`).send({ viaRelayId: a.id }), 409);
      assert.deepEqual(await snapshot(t.db), before);
    });
    it('moves a hop to another branch when that is acyclic', async () => {
      const a = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      const b = (await hop({ relayedById: paper, mode: 'verbatim' })).body;
      const res = await t.http.patch(`/v1/relays/${b.id}`).send({ viaRelayId: a.id }).expect(200);
      assert.equal(res.body.firstHand, false);
    });
    it('404s', async () => {
      expectProblem(await t.http.patch('/v1/relays/999').send({ cue: 'x' }), 404);
    });
  });

  describe('DELETE /v1/relays/:id', () => {
    it('refuses while later hops come through it; cascades them on request', async () => {
      const a = (await hop({ relayedById: reuters, mode: 'verbatim' })).body;
      const b = (await hop({ relayedById: paper, viaRelayId: a.id, mode: 'verbatim' })).body;
      const body = expectProblem(await t.http.delete(`/v1/relays/${a.id}`), 409);
      assert.deepEqual(body.references, [{ type: 'relay', id: b.id, field: 'viaRelayId' }]);
      await t.http.delete(`/v1/relays/${a.id}?cascade=true`).expect(204);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM relays')) as { n: number }).n, 0);
    });
    it('refuses while a tag marks it, naming the tag', async () => {
      const t2 = await makeTestApp({ demo: true });
      const doc = await demoId(t2.db, 'document', 'telegraph-article');
      const tag = (
        await t2.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: 'I do not know anything about this.' },
            statementId: await demoId(t2.db, 'statement', 'peskov-no-comment'),
          })
          .expect(201)
      ).body;
      const relay = await demoId(t2.db, 'relay', 'peskov-telegraph');
      const body = expectProblem(await t2.http.delete(`/v1/relays/${relay}`), 409);
      assert.ok(
        body.references.length >= 1 &&
          body.references.every((r: { type: string; field?: string }) => r.type === 'tag' && r.field === 'relayId'),
      );
      assert.ok(body.references.some((r: { id: number }) => r.id === tag.id));
      await t2.http.delete(`/v1/relays/${relay}?cascade=true`).expect(204);
      assert.equal(((await t2.db.queryFirst('SELECT count(*) AS n FROM tags WHERE relay_id = ?', [relay])) as { n: number }).n, 0);
    });
    it('404s', async () => {
      expectProblem(await t.http.delete('/v1/relays/999'), 404);
    });
  });
});
