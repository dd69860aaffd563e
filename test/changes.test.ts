import assert from 'node:assert/strict';
import { makeTestApp, snapshot, demoBundle, demoId } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';
import type { ChangeRow } from './helpers/rows.js';
import type { Change } from '../src/generated/schema-types.js';
import type { Db } from '../src/db/database.js';

const changeCount = async (t: { db: Db }) => ((await t.db.queryFirst('SELECT count(*) AS n FROM changes')) as { n: number }).n;

describe('change history', () => {
  describe('writes', () => {
    it('record one change per row written, with the key, before and after', async () => {
      const t = await makeTestApp();
      const before = await changeCount(t);
      const a = (await t.as('journalist').post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'A' }).expect(201)).body;
      await t.as('journalist').patch(`/v1/actors/${a.id}`).send({ name: 'B' }).expect(200);
      await t.as('editor').delete(`/v1/actors/${a.id}`).expect(204);
      const rows = (await t.db.query('SELECT * FROM changes WHERE seq > ? ORDER BY seq', [before])) as ChangeRow[];
      assert.deepEqual(
        rows.map((r) => r.action),
        ['insert', 'update', 'delete'],
      );
      const journalistKey = (await t.db.queryFirst(`SELECT id FROM api_keys WHERE name = 'test journalist'`)) as Row;
      assert.equal(rows[0].key_id, journalistKey.id);
      assert.equal(JSON.parse(rows[1].before).name, 'A');
      assert.equal(JSON.parse(rows[1].after).name, 'B');
      assert.equal(rows[2].after, null);
      assert.equal(rows[1].prev_hash, rows[0].hash);
    });

    it('record every row of a bundle and of a cascade', async () => {
      const t = await makeTestApp();
      const before = await changeCount(t);
      await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
      const b = demoBundle();
      const bundleRows =
        b.actors.length + b.documents.length + b.statements.length + b.relays.length + b.claims.length + b.links.length + b.tags.length;
      // Actors with acts-for are inserted, then updated to point at whom they act for.
      const actsFor = b.actors.filter((a) => a.actsFor).length;
      assert.equal((await changeCount(t)) - before, bundleRows + actsFor);
      const id = await demoId(t.db, 'statement', 'tipoff');
      const mid = await changeCount(t);
      await t.http.delete(`/v1/statements/${id}?cascade=true`).expect(204);
      const cascade = (await t.db.query('SELECT record_type, action FROM changes WHERE seq > ?', [mid])) as Row[];
      assert.deepEqual(cascade.map((c) => c.record_type).sort(), ['claim-link', 'relay', 'relay', 'statement', 'tag']);
      assert.ok(cascade.every((c) => c.action === 'delete'));
    });

    it('leave no change record and no partial data when refused', async () => {
      const t = await makeTestApp({ demo: true });
      const before = await snapshot(t.db);
      expectProblem(await t.http.post('/v1/actors').send({ kind: 'person' }), 400);
      expectProblem(await t.http.delete(`/v1/actors/${await demoId(t.db, 'actor', 'reuters')}`), 409);
      expectProblem(await t.as('reader').post('/v1/claims').send({ text: 'x' }), 403);
      const bad = demoBundle();
      bad.namespace = 'other';
      bad.links[0].claim = 'missing';
      expectProblem(await t.http.post('/v1/bundles').send(bad), 422);
      assert.deepEqual(await snapshot(t.db), before);
    });
  });

  describe('GET /v1/changes', () => {
    it('lists in order and filters by record, key and time, with a cursor', async () => {
      const t = await makeTestApp({ demo: true });
      const peskov = await demoId(t.db, 'actor', 'peskov');
      await t.as('journalist').patch(`/v1/actors/${peskov}`).send({ description: 'spokesman' }).expect(200);
      const byRecord = await t.as('reader').get(`/v1/changes?recordType=actor&recordId=${peskov}`).expect(200);
      assert.deepEqual(
        byRecord.body.items.map((c: Change) => c.action),
        ['insert', 'update', 'update'],
      );
      const journalistKey = ((await t.db.queryFirst(`SELECT id FROM api_keys WHERE name = 'test journalist'`)) as { id: number }).id;
      const byKey = await t.as('reader').get(`/v1/changes?keyId=${journalistKey}`).expect(200);
      assert.equal(byKey.body.items.length, 1);
      const page1 = await t.as('reader').get('/v1/changes?limit=10').expect(200);
      const page2 = await t.as('reader').get(`/v1/changes?limit=10&cursor=${page1.body.nextCursor}`).expect(200);
      assert.equal(page2.body.items[0].seq, page1.body.items[9].seq + 1);
      const future = await t.as('reader').get('/v1/changes?since=2999-01-01T00:00:00Z').expect(200);
      assert.equal(future.body.items.length, 0);
      expectProblem(await t.as('reader').get('/v1/changes?since=yesterday'), 400);
    });
  });

  describe('GET /v1/changes/verify', () => {
    it('verifies a clean history', async () => {
      const t = await makeTestApp({ demo: true });
      const res = await t.as('editor').get('/v1/changes/verify').expect(200);
      assert.equal(res.body.intact, true);
      assert.equal(res.body.checked, await changeCount(t));
    });

    it('names the change altered with raw SQL', async () => {
      const t = await makeTestApp({ demo: true });
      const target = ((await t.db.queryFirst(`SELECT min(seq) AS s FROM changes WHERE record_type = 'statement'`)) as { s: number }).s;
      const { after } = (await t.db.queryFirst('SELECT after FROM changes WHERE seq = ?', [target])) as { after: string };
      await t.db.execute('UPDATE changes SET after = ? WHERE seq = ?', [JSON.stringify({ ...JSON.parse(after), text: 'forged' }), target]);
      const res = await t.as('editor').get('/v1/changes/verify').expect(200);
      assert.equal(res.body.intact, false);
      assert.equal(res.body.firstBroken.seq, target);
      assert.equal(res.body.firstBroken.recordType, 'statement');
      assert.equal(res.body.checked, target - 1);
      assert.match(res.body.firstBroken.reason, /altered/);
    });

    it('names a deleted change and a re-hashed one', async () => {
      const t = await makeTestApp({ demo: true });
      await t.db.execute('DELETE FROM changes WHERE seq = 7');
      const res = await t.as('editor').get('/v1/changes/verify').expect(200);
      assert.deepEqual([res.body.intact, res.body.firstBroken.seq], [false, 8]);
      const t2 = await makeTestApp({ demo: true });
      // A forger who recomputes the row's own hash still breaks the link to the next change.
      const row = (await t2.db.queryFirst('SELECT * FROM changes WHERE seq = 5')) as ChangeRow;
      const { chainHash } = await import('../src/db/functions.js');
      const forgedAfter = JSON.stringify({ ...JSON.parse(row.after), name: 'Forged' });
      await t2.db.execute('UPDATE changes SET after = ?, hash = ? WHERE seq = 5', [
        forgedAfter,
        chainHash(row.prev_hash, row.seq, row.at, row.key_id, row.action, row.record_type, row.record_id, row.before, forgedAfter),
      ]);
      const res2 = await t2.as('editor').get('/v1/changes/verify').expect(200);
      assert.deepEqual([res2.body.intact, res2.body.firstBroken.seq], [false, 6]);
    });
  });
});
