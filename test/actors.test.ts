import assert from 'node:assert/strict';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';
import type { Actor, FieldError } from '../src/generated/schema-types.js';

const named = { kind: 'person', identityStatus: 'named', name: 'Dmitry Peskov' };
const anonymous = {
  kind: 'person',
  identityStatus: 'anonymous',
  description: 'a senior security official',
  affiliation: 'Iranian authorities',
};

describe('actors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });

  describe('POST /v1/actors', () => {
    it('creates a named actor and stores it', async () => {
      const res = await t.http.post('/v1/actors').send(named).expect(201);
      assert.equal(res.headers.location, `/v1/actors/${res.body.id}`);
      assert.equal(res.body.name, 'Dmitry Peskov');
      const row = (await t.db.queryFirst('SELECT * FROM actors WHERE id = ?', [res.body.id])) as Row;
      assert.equal(row.identity_status, 'named');
      assert.equal(row.name, 'Dmitry Peskov');
    });

    it('creates an anonymous actor with description, affiliation and reason', async () => {
      const res = await t.http
        .post('/v1/actors')
        .send({ ...anonymous, anonymityReason: 'not authorised to speak' })
        .expect(201);
      assert.equal(res.body.name, null);
      assert.equal(res.body.anonymityReason, 'not authorised to speak');
      assert.equal(res.body.attested, false);
    });

    it('links acts-for', async () => {
      const kremlin = await t.http
        .post('/v1/actors')
        .send({ kind: 'organisation', identityStatus: 'named', name: 'The Kremlin' })
        .expect(201);
      const res = await t.http
        .post('/v1/actors')
        .send({ ...named, actsForId: kremlin.body.id })
        .expect(201);
      assert.equal(res.body.actsForId, kremlin.body.id);
    });

    describe('when invalid', () => {
      it('refuses an anonymous actor with a name or without a description', async () => {
        const before = await snapshot(t.db);
        expectFieldErrors(await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'anonymous', name: 'Ali' }), [
          '/description',
          '/name',
        ]);
        assert.deepEqual(await snapshot(t.db), before);
      });
      it('refuses a named actor without a name', async () => {
        expectFieldErrors(await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named' }), ['/name']);
      });
      it('names a missing field, a wrong type, an unknown field and a bad enum', async () => {
        const res = await t.http.post('/v1/actors').send({ identityStatus: 'famous', name: 5, nickname: 'x' });
        const body = expectFieldErrors(res, ['/kind', '/identityStatus', '/name', '/nickname']);
        const en = body.errors.find((e: FieldError) => e.pointer === '/identityStatus');
        assert.deepEqual(en!.expected, ['named', 'anonymous', 'unidentified']);
      });
      it('refuses a body that is not an object', async () => {
        expectFieldErrors(await t.http.post('/v1/actors').send([named]), ['/']);
      });
      it('refuses acts-for pointing nowhere with 422', async () => {
        const body = expectProblem(await t.http.post('/v1/actors').send({ ...named, actsForId: 999 }), 422, 'unprocessable');
        assert.equal(body.errors[0].pointer, '/actsForId');
      });
    });
  });

  describe('GET /v1/actors', () => {
    it('filters by kind and identity status and pages with a cursor', async () => {
      for (let i = 0; i < 5; i++)
        await t.http
          .post('/v1/actors')
          .send({ ...named, name: `P${i}` })
          .expect(201);
      await t.http.post('/v1/actors').send(anonymous).expect(201);
      const anon = await t.http.get('/v1/actors?identityStatus=anonymous').expect(200);
      assert.deepEqual(
        anon.body.items.map((a: Actor) => a.description),
        ['a senior security official'],
      );
      const p1 = await t.http.get('/v1/actors?kind=person&limit=4').expect(200);
      assert.equal(p1.body.items.length, 4);
      assert.ok(p1.body.nextCursor);
      const p2 = await t.http.get(`/v1/actors?kind=person&limit=4&cursor=${p1.body.nextCursor}`).expect(200);
      assert.equal(p2.body.items.length, 2);
      assert.equal(p2.body.nextCursor, null);
      assert.equal(new Set([...p1.body.items, ...p2.body.items].map((a) => a.id)).size, 6);
    });
    it('refuses bad query parameters', async () => {
      expectFieldErrors(await t.http.get('/v1/actors?limit=500'), ['/limit'], 'query');
      expectFieldErrors(await t.http.get('/v1/actors?limit=abc'), ['/limit'], 'query');
      expectFieldErrors(await t.http.get('/v1/actors?colour=red'), ['/colour'], 'query');
      expectFieldErrors(await t.http.get('/v1/actors?kind=person&kind=outlet'), ['/kind'], 'query');
      expectProblem(await t.http.get('/v1/actors?cursor=bm9wZQ'), 400, 'validation-failed');
    });
  });

  describe('GET /v1/actors/:id', () => {
    it('reads one', async () => {
      const { body } = await t.http.post('/v1/actors').send(named).expect(201);
      const res = await t.http.get(`/v1/actors/${body.id}`).expect(200);
      assert.equal(res.body.name, 'Dmitry Peskov');
    });
    it('404s for an unknown id and 400s for a malformed one', async () => {
      expectProblem(await t.http.get('/v1/actors/424242'), 404, 'not-found');
      expectFieldErrors(await t.http.get('/v1/actors/abc'), ['/id'], 'path');
      expectFieldErrors(await t.http.get('/v1/actors/0'), ['/id'], 'path');
    });
  });

  describe('PATCH /v1/actors/:id', () => {
    it('changes fields and keeps the rest', async () => {
      const { body } = await t.http.post('/v1/actors').send(anonymous).expect(201);
      const res = await t.http.patch(`/v1/actors/${body.id}`).send({ anonymityReason: 'fear of reprisal' }).expect(200);
      assert.equal(res.body.anonymityReason, 'fear of reprisal');
      assert.equal(res.body.description, 'a senior security official');
      assert.equal(
        ((await t.db.queryFirst('SELECT anonymity_reason FROM actors WHERE id = ?', [body.id])) as Row).anonymity_reason,
        'fear of reprisal',
      );
    });
    it('checks the identity rules on the merged actor (422)', async () => {
      const { body } = await t.http.post('/v1/actors').send(named).expect(201);
      const before = await snapshot(t.db);
      expectProblem(await t.http.patch(`/v1/actors/${body.id}`).send({ identityStatus: 'anonymous' }), 422);
      assert.deepEqual(await snapshot(t.db), before);
      const ok = await t.http
        .patch(`/v1/actors/${body.id}`)
        .send({ identityStatus: 'anonymous', name: null, description: 'an official' })
        .expect(200);
      assert.equal(ok.body.name, null);
    });
    it('refuses an empty patch and unknown fields', async () => {
      const { body } = await t.http.post('/v1/actors').send(named).expect(201);
      expectProblem(await t.http.patch(`/v1/actors/${body.id}`).send({}), 400);
      expectFieldErrors(await t.http.patch(`/v1/actors/${body.id}`).send({ id: 7 }), ['/id']);
    });
    it('refuses circular acting-for with 409', async () => {
      const a = (await t.http.post('/v1/actors').send({ ...named, name: 'A' })).body;
      const b = (await t.http.post('/v1/actors').send({ ...named, name: 'B', actsForId: a.id })).body;
      expectProblem(await t.http.patch(`/v1/actors/${a.id}`).send({ actsForId: b.id }), 409, 'conflict');
      expectProblem(await t.http.patch(`/v1/actors/${a.id}`).send({ actsForId: a.id }), 409, 'conflict');
    });
    it('404s for an unknown actor', async () => {
      expectProblem(await t.http.patch('/v1/actors/999').send({ name: 'x' }), 404);
    });
  });

  describe('DELETE /v1/actors/:id', () => {
    it('deletes an unreferenced actor', async () => {
      const { body } = await t.http.post('/v1/actors').send(named).expect(201);
      await t.http.delete(`/v1/actors/${body.id}`).expect(204);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM actors')) as { n: number }).n, 0);
    });
    it('refuses while referenced, naming the references, and cascades on request', async () => {
      const a = (await t.http.post('/v1/actors').send(named)).body;
      const s = (await t.http.post('/v1/statements').send({ speakerId: a.id, text: 'No comment.', textForm: 'quote', kind: 'no_comment' }))
        .body;
      const before = await snapshot(t.db);
      const body = expectProblem(await t.http.delete(`/v1/actors/${a.id}`), 409, 'conflict');
      assert.deepEqual(body.references, [{ type: 'statement', id: s.id, field: 'speakerId' }]);
      assert.deepEqual(await snapshot(t.db), before);
      await t.http.delete(`/v1/actors/${a.id}?cascade=true`).expect(204);
      assert.equal(((await t.db.queryFirst('SELECT count(*) AS n FROM statements')) as { n: number }).n, 0);
    });
    it('404s for an unknown actor and 400s for a bad cascade value', async () => {
      expectProblem(await t.http.delete('/v1/actors/999'), 404);
      expectFieldErrors(await t.http.delete('/v1/actors/1?cascade=yes'), ['/cascade'], 'query');
    });
  });
});
