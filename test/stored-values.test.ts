import assert from 'node:assert/strict';
import { expectProblem } from './helpers/problems.js';
import { demoId, makeTestApp } from './helpers/test-app.js';

// Values written around the service (a tool, a hand edit, an old bug) that it cannot parse: the answer is a
// problem document naming the record and column, never a 500, and the rest of the service keeps answering.
describe('stored values the service cannot parse', () => {
  describe('GET /v1/actors/:id', () => {
    it('answers 409 unreadable-record naming the actor and its attestation', async () => {
      const t = await makeTestApp({ demo: true });
      const id = await demoId(t.db, 'actor', 'source-1');
      await t.db.execute('UPDATE actors SET attestation = ? WHERE id = ?', ['identity known to the desk editor', id]);
      const body = expectProblem(await t.as('editor').get(`/v1/actors/${id}`), 409, 'unreadable-record');
      assert.deepEqual(body.record, { type: 'actor', id, column: 'attestation' });
      assert.match(body.detail, new RegExp(`actor ${id}`));
      assert.doesNotMatch(body.detail, /identity known/, 'the confidential value itself is never echoed');
      await t
        .as('editor')
        .get(`/v1/actors/${await demoId(t.db, 'actor', 'reuters')}`)
        .expect(200);
    });
  });

  describe('GET /v1/statements/:id', () => {
    it('answers 409 naming the statement and its circumstances', async () => {
      const t = await makeTestApp({ demo: true });
      const id = await demoId(t.db, 'statement', 'peskov-no-comment');
      await t.db.execute('UPDATE statements SET circumstances = ? WHERE id = ?', ['in custody', id]);
      const body = expectProblem(await t.http.get(`/v1/statements/${id}`), 409, 'unreadable-record');
      assert.deepEqual(body.record, { type: 'statement', id, column: 'circumstances' });
    });
  });

  describe('GET /v1/claims/:id', () => {
    it('answers 409 naming the claim and its verdict', async () => {
      const t = await makeTestApp({ demo: true });
      const id = ((await t.db.queryFirst('SELECT min(id) AS id FROM claims')) as { id: number }).id;
      await t.db.execute('UPDATE claims SET verdict = ? WHERE id = ?', ['{false', id]);
      const body = expectProblem(await t.http.get(`/v1/claims/${id}`), 409, 'unreadable-record');
      assert.deepEqual(body.record, { type: 'claim', id, column: 'verdict' });
    });
  });
});
