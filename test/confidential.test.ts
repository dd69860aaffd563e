import assert from 'node:assert/strict';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import type { Role } from '../src/shared/viewer.js';

const CANARY = 'CANARY-7f3a9c-confidential';

/** An anonymous source carrying the canary in every confidential field, with a statement that travelled. */
async function plant(t: TestApp) {
  const editor = t.as('editor');
  const source = (
    await editor
      .post('/v1/actors')
      .send({
        kind: 'person',
        identityStatus: 'anonymous',
        description: 'a senior official',
        affiliation: 'a ministry',
        anonymityReason: 'fears dismissal',
        confidentialNotes: `met via Signal ${CANARY}`,
        attestation: { by: `editor ${CANARY}`, note: `knows the name ${CANARY}` },
      })
      .expect(201)
  ).body;
  const outlet = (await editor.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Wire' })).body;
  const doc = (
    await editor.post('/v1/documents').send({ outletId: outlet.id, title: 'Report', body: 'The official said the ministry knew.' })
  ).body;
  const statement = (
    await editor.post('/v1/statements').send({ speakerId: source.id, text: 'the ministry knew', textForm: 'paraphrase', kind: 'assertion' })
  ).body;
  const relay = (
    await editor
      .post(`/v1/statements/${statement.id}/relays`)
      .send({ relayedById: outlet.id, documentId: doc.id, mode: 'paraphrase', cue: 'the official said' })
  ).body;
  const claim = (await editor.post('/v1/claims').send({ text: 'The ministry knew', verdict: { rating: 'unproven' } })).body;
  await editor.post(`/v1/claims/${claim.id}/statements`).send({ statementId: statement.id, stance: 'supports' }).expect(201);
  // A later edit, so the history holds the canary in before and after.
  await editor
    .patch(`/v1/actors/${source.id}`)
    .send({ confidentialNotes: `moved to email ${CANARY}` })
    .expect(200);
  return { source, outlet, doc, statement, relay, claim };
}

/** A request to every GET route, with ids and queries that reach the planted records. */
function readRequests(t: TestApp, ids: Awaited<ReturnType<typeof plant>>): string[] {
  const byPrefix: Array<[RegExp, number]> = [
    [/^\/v1\/actors/, ids.source.id],
    [/^\/v1\/statements/, ids.statement.id],
    [/^\/v1\/documents/, ids.doc.id],
    [/^\/v1\/relays/, ids.relay.id],
    [/^\/v1\/claims/, ids.claim.id],
    [/^\/v1\/audits\/actors/, ids.source.id],
    [/^\/v1\/audits\/documents/, ids.doc.id],
    [/^\/v1\/audits\/claims/, ids.claim.id],
  ];
  const extraQuery: Record<string, string[]> = {
    '/v1/search': ['q=ministry+knew', `q=ministry&speakerId=${ids.source.id}&identityStatus=anonymous`],
    '/v1/exports/prov': ['', `documentId=${ids.doc.id}`, `claimId=${ids.claim.id}`],
    '/v1/changes': ['limit=200', `recordType=actor&recordId=${ids.source.id}`],
    '/v1/actors': ['limit=200', 'identityStatus=anonymous'],
    '/v1/statements': ['limit=200', `speakerId=${ids.source.id}`],
  };
  const out: string[] = [];
  for (const r of t.routes.filter((x) => x.method === 'get')) {
    const id = byPrefix.find(([re]) => re.test(r.path))?.[1] ?? 1;
    const path = r.path.replace(':id', String(id)).replace(':statementId', String(ids.statement.id));
    for (const q of extraQuery[r.path] ?? ['']) out.push(q ? `${path}?${q}` : path);
  }
  return out;
}

describe('confidential fields', () => {
  describe('every read route', () => {
    for (const role of ['reader', 'journalist'] as Role[]) {
      it(`never shows a ${role} the canary: not in bodies, headers or logs`, async function () {
        this.timeout(60000);
        const t = await makeTestApp();
        const ids = await plant(t);
        let reached = 0;
        for (const url of readRequests(t, ids)) {
          const res = await t.as(role).get(url);
          assert.ok(res.status < 500, `${url}: ${res.status}`);
          if (res.status === 200) reached++;
          assert.ok(!res.text.includes(CANARY), `${url} leaked the canary to a ${role}`);
          assert.ok(!JSON.stringify(res.headers).includes(CANARY), `${url} leaked the canary in headers`);
        }
        assert.ok(reached >= 15, `only ${reached} reads answered 200`);
        assert.ok(!t.logs.some((l) => l.includes(CANARY)), 'a log line carries the canary');
      });
    }

    it('shows editors and admins the confidential fields (the test can see a leak)', async () => {
      const t = await makeTestApp();
      const ids = await plant(t);
      for (const role of ['editor', 'admin'] as Role[]) {
        const res = await t.as(role).get(`/v1/actors/${ids.source.id}`).expect(200);
        assert.ok(res.text.includes(CANARY));
        assert.equal(res.body.attestation.by, `editor ${CANARY}`);
        const history = await t.as(role).get(`/v1/changes?recordType=actor&recordId=${ids.source.id}`).expect(200);
        assert.ok(history.text.includes(CANARY));
      }
    });

    it('shows readers commitments in the history, never values, and keeps that an attestation exists', async () => {
      const t = await makeTestApp();
      const ids = await plant(t);
      const res = await t.as('reader').get(`/v1/changes?recordType=actor&recordId=${ids.source.id}`).expect(200);
      const last = res.body.items.at(-1);
      assert.equal(last.action, 'update');
      assert.deepEqual(Object.keys(last.before.confidentialNotes), ['commitment']);
      assert.deepEqual(Object.keys(last.after.attestation), ['commitment']);
      assert.match(last.after.attestation.commitment, /^[0-9a-f]{64}$/);
      assert.equal(last.after.description, 'a senior official');
    });
  });

  describe('writes by a journalist', () => {
    it('do not echo confidential fields back, nor put them in errors', async () => {
      const t = await makeTestApp();
      const ids = await plant(t);
      const j = t.as('journalist');
      const patched = await j.patch(`/v1/actors/${ids.source.id}`).send({ affiliation: 'the ministry' }).expect(200);
      assert.ok(!patched.text.includes(CANARY));
      const bad = await j.patch(`/v1/actors/${ids.source.id}`).send({ identityStatus: 'named' });
      assert.equal(bad.status, 422);
      assert.ok(!bad.text.includes(CANARY));
      const del = await j.delete(`/v1/actors/${ids.source.id}`);
      assert.equal(del.status, 409);
      assert.ok(!del.text.includes(CANARY));
      assert.ok(!t.logs.some((l) => l.includes(CANARY)));
    });
  });
});
