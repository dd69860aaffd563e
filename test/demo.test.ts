import assert from 'node:assert/strict';
import { makeTestApp, demoId } from './helpers/test-app.js';

describe('demo story', () => {
  describe('GET /v1/statements/:id/provenance', () => {
    it('reads the nested chain: IS member in custody → source 2 → Reuters → The Telegraph', async () => {
      const t = await makeTestApp({ demo: true });
      const id = await demoId(t.db, 'statement', 'already-travelled');
      const res = await t.http.get(`/v1/statements/${id}/provenance`).expect(200);
      assert.equal(res.body.speaker.identityStatus, 'unidentified');
      assert.equal(res.body.speaker.description, 'an IS member arrested in Iran');
      assert.deepEqual(res.body.statement.circumstances, ['in_custody', 'under_interrogation']);
      const path: string[] = [];
      let hops = res.body.hops;
      while (hops.length) {
        assert.equal(hops.length, 1);
        path.push(hops[0].relayedBy.name ?? hops[0].relayedBy.description);
        hops = hops[0].hops;
      }
      assert.deepEqual(path, ['a second source', 'Reuters', 'The Telegraph']);
    });

    it('names whom the speaker acts for', async () => {
      const t = await makeTestApp({ demo: true });
      const res = await t.http.get(`/v1/statements/${await demoId(t.db, 'statement', 'peskov-no-comment')}/provenance`).expect(200);
      assert.equal(res.body.speaker.name, 'Dmitry Peskov');
      assert.equal(res.body.speaker.actsFor.name, 'The Kremlin');
      assert.equal(res.body.hops[0].relayedBy.name, 'The Telegraph');
    });
  });
});
