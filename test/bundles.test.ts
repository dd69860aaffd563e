import assert from 'node:assert/strict';
import { makeTestApp, snapshot, demoBundle, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import type { Row } from './helpers/rows.js';
import type { BundleItemResult } from '../src/generated/schema-types.js';

const count = async (t: TestApp, table: string) => ((await t.db.queryFirst(`SELECT count(*) AS n FROM ${table}`)) as { n: number }).n;

describe('bundles', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });

  describe('POST /v1/bundles', () => {
    it('writes a whole story, resolving keys, in order regardless of item order', async () => {
      const res = await t.http
        .post('/v1/bundles')
        .send({
          namespace: 'test',
          actors: [
            { key: 'peskov', kind: 'person', identityStatus: 'named', name: 'Peskov', actsFor: 'kremlin' },
            { key: 'kremlin', kind: 'organisation', identityStatus: 'named', name: 'Kremlin' },
          ],
          statements: [{ key: 's', speaker: 'peskov', text: 'No.', textForm: 'quote', kind: 'no_comment' }],
          relays: [
            { key: 'r2', statement: 's', relayedBy: 'kremlin', via: 'r1', mode: 'verbatim' },
            { key: 'r1', statement: 's', relayedBy: 'kremlin', mode: 'verbatim' },
          ],
          claims: [{ key: 'c', text: 'Claim' }],
          links: [{ statement: 's', claim: 'c', stance: 'declines_to_comment' }],
        })
        .expect(201);
      assert.equal(res.body.created, 7);
      const peskov = (await t.db.queryFirst(
        `SELECT a.acts_for_id, k.name FROM actors a JOIN actors k ON k.id = a.acts_for_id WHERE a.name = 'Peskov'`,
      )) as Row;
      assert.equal(peskov.name, 'Kremlin');
      const r2 = res.body.items.find((i: BundleItemResult) => i.key === 'r2');
      const r1 = res.body.items.find((i: BundleItemResult) => i.key === 'r1');
      assert.equal(((await t.db.queryFirst('SELECT via_relay_id FROM relays WHERE id = ?', [r2.id])) as Row).via_relay_id, r1.id);
    });

    it('loads the demo story', async () => {
      const res = await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
      assert.equal(res.body.updated + res.body.existing, 0);
      assert.equal(await count(t, 'actors'), demoBundle().actors.length);
      assert.equal(await count(t, 'relays'), demoBundle().relays.length);
    });

    describe('posted twice', () => {
      it('creates nothing new and reports what existed', async () => {
        await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
        const before = await snapshot(t.db);
        const again = await t.http.post('/v1/bundles').send(demoBundle()).expect(200);
        assert.equal(again.body.created, 0);
        assert.equal(again.body.updated, 0);
        assert.equal(again.body.existing, again.body.items.length);
        assert.ok(again.body.items.every((i: BundleItemResult) => i.outcome === 'existing'));
        assert.deepEqual(await snapshot(t.db), before);
      });
      it('updates only the items that changed', async () => {
        await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
        const b = demoBundle();
        b.actors.find((a) => a.key === 'source-2')!.anonymityReason = 'feared for their safety';
        const res = await t.http.post('/v1/bundles').send(b).expect(200);
        assert.equal(res.body.updated, 1);
        assert.equal(await count(t, 'actors'), b.actors.length);
        assert.equal(
          (
            (await t.db.queryFirst(`SELECT count(*) AS n FROM actors WHERE anonymity_reason = 'feared for their safety'`)) as {
              n: number;
            }
          ).n,
          1,
        );
      });
    });

    describe('with one bad item', () => {
      it('writes nothing and names the item (unknown key)', async () => {
        await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
        const before = await snapshot(t.db);
        const b = demoBundle();
        b.namespace = 'other';
        b.relays[b.relays.length - 1].via = 'no-such-hop';
        const body = expectProblem(await t.http.post('/v1/bundles').send(b), 422);
        assert.match(body.detail, new RegExp(`/relays/${b.relays.length - 1}/via`));
        assert.deepEqual(await snapshot(t.db), before);
      });
      it('writes nothing when an item breaks the schema', async () => {
        const b = demoBundle();
        (b.statements[5] as { kind: string }).kind = 'gossip';
        const body = expectFieldErrors(await t.http.post('/v1/bundles').send(b), ['/statements/5/kind']);
        assert.ok(body.errors.length >= 1);
        assert.equal(await count(t, 'actors'), 0);
      });
      it("writes nothing when a hop points at another statement's hop", async () => {
        const b = demoBundle();
        b.relays.find((r) => r.key === 'tipoff-telegraph')!.via = 'lacked-reuters';
        const body = expectProblem(await t.http.post('/v1/bundles').send(b), 422);
        assert.equal(body.item, `/relays/${b.relays.findIndex((r) => r.key === 'tipoff-telegraph')}`);
        assert.equal(await count(t, 'actors'), 0);
        assert.equal(await count(t, 'bundle_keys'), 0);
      });
      it('refuses hops that form a cycle, and duplicate keys', async () => {
        const base = {
          namespace: 'x',
          actors: [{ key: 'a', kind: 'person', identityStatus: 'named', name: 'A' }],
          statements: [{ key: 's', speaker: 'a', text: 't', textForm: 'quote', kind: 'assertion' }],
        };
        expectProblem(
          await t.http.post('/v1/bundles').send({
            ...base,
            relays: [
              { key: 'r1', statement: 's', relayedBy: 'a', via: 'r2', mode: 'verbatim' },
              { key: 'r2', statement: 's', relayedBy: 'a', via: 'r1', mode: 'verbatim' },
            ],
          }),
          422,
        );
        expectProblem(await t.http.post('/v1/bundles').send({ ...base, actors: [...base.actors, ...base.actors] }), 422);
        assert.equal(await count(t, 'actors'), 0);
      });
      it('refuses an id that does not exist', async () => {
        const body = expectProblem(
          await t.http.post('/v1/bundles').send({ namespace: 'x', documents: [{ key: 'd', outlet: 4242, title: 'T' }] }),
          422,
        );
        assert.equal(body.errors[0].pointer, '/documents/0/outlet');
      });
    });

    describe('with tags', () => {
      it('tags the demo article on the hops the bundle recorded, and finds them again on a second post', async () => {
        const res = await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
        const tags = res.body.items.filter((i: BundleItemResult) => i.type === 'tag');
        assert.equal(tags.length, demoBundle().tags.length);
        const rows = (await t.db.query(
          `SELECT t.exact, CASE WHEN r.document_id = t.document_id THEN 1 ELSE 0 END AS "sameDoc" FROM tags t JOIN relays r ON r.id = t.relay_id`,
        )) as Row[];
        assert.ok(rows.every((r) => r.sameDoc === 1));
        assert.equal(await count(t, 'relays'), demoBundle().relays.length, "no hop added: each tag found its document's hop");
        const again = await t.http.post('/v1/bundles').send(demoBundle()).expect(200);
        assert.ok(
          again.body.items.filter((i: BundleItemResult) => i.type === 'tag').every((i: BundleItemResult) => i.outcome === 'existing'),
        );
        assert.equal(await count(t, 'tags'), tags.length);
      });
      it('re-tags a changed selector in place of the old tag', async () => {
        await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
        const b = demoBundle();
        b.tags.find((x) => x.key === 'tag-peskov-no-comment')!.selector = { exact: 'I do not know anything' };
        const res = await t.http.post('/v1/bundles').send(b).expect(200);
        assert.equal(res.body.items.find((i: BundleItemResult) => i.key === 'tag-peskov-no-comment').outcome, 'updated');
        assert.equal(await count(t, 'tags'), b.tags.length);
        assert.equal(
          ((await t.db.queryFirst(`SELECT count(*) AS n FROM tags WHERE exact = 'I do not know anything'`)) as { n: number }).n,
          1,
        );
      });
      it('writes nothing when a tag does not match the body, and names the tag', async () => {
        const b = demoBundle();
        b.tags[2].selector = { exact: 'words that are not in the article' };
        const body = expectProblem(await t.http.post('/v1/bundles').send(b), 422);
        assert.equal(body.item, '/tags/2');
        assert.equal(await count(t, 'actors'), 0);
      });
    });

    it('refers to existing records by id', async () => {
      const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Wire' })).body.id;
      const res = await t.http
        .post('/v1/bundles')
        .send({ namespace: 'x', documents: [{ key: 'd', outlet, title: 'T' }] })
        .expect(201);
      assert.equal(
        ((await t.db.queryFirst('SELECT outlet_id FROM documents WHERE id = ?', [res.body.items[0].id])) as Row).outlet_id,
        outlet,
      );
    });
  });
});
