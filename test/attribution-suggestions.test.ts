import assert from 'node:assert/strict';
import type { AttributionSuggestion, AttributionSuggestions, SuggestionAcceptResult } from '../src/generated/schema-types.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import { demoBundle, demoId, makeTestApp, schemaRegistry, snapshot, type TestApp } from './helpers/test-app.js';

const validSuggestions = schemaRegistry().validator('attribution-suggestions');
const validAcceptResult = schemaRegistry().validator('suggestion-accept-result');
const demoBody = (demoBundle().documents as { body?: string }[]).find((d) => d.body)!.body!;

const count = async (t: TestApp, table: string) => ((await t.db.queryFirst(`SELECT count(*) AS n FROM ${table}`)) as { n: number }).n;

/** An empty database with one outlet and the demo article's text as a new document. */
async function newDocument(t: TestApp): Promise<number> {
  const outlet = await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'The Telegraph' }).expect(201);
  const doc = await t.http
    .post('/v1/documents')
    .send({ outletId: outlet.body.id, title: 'Iran warned Russia', body: demoBody })
    .expect(201);
  return doc.body.id as number;
}

async function suggestionsFor(t: TestApp, id: number): Promise<AttributionSuggestion[]> {
  const res = await t.as('reader').post(`/v1/documents/${id}/suggestions`).expect(200);
  assert.ok(validSuggestions(res.body), JSON.stringify(validSuggestions.errors));
  return (res.body as AttributionSuggestions).suggestions;
}

function carrying(list: AttributionSuggestion[], fragment: string): AttributionSuggestion {
  const s = list.find((x) => x.statement.proposed.text.includes(fragment));
  assert.ok(s, `no suggestion carries "${fragment}"`);
  return s;
}

const STORY = [
  'Days before the attack',
  'lacked specific details',
  'were instructed to prepare',
  'already travelled to Russia',
  'fulfilled their obligation',
  'I do not know anything',
  'I took weapons',
];

describe('attribution suggestions', () => {
  describe('POST /v1/documents/:id/suggestions', () => {
    describe('on a new document', () => {
      it('proposes tags, statements, speakers and hops, all new, writing nothing', async () => {
        const t = await makeTestApp();
        const id = await newDocument(t);
        const before = await snapshot(t.db);
        const list = await suggestionsFor(t, id);
        assert.deepEqual(await snapshot(t.db), before);
        const travelled = carrying(list, 'already travelled to Russia');
        assert.equal(travelled.status, 'new');
        assert.equal(travelled.tag.selector.exact, 'some members of the group had already travelled to Russia');
        assert.deepEqual(
          travelled.hops.map((h) => h.relayedBy.proposed.name ?? h.relayedBy.proposed.description),
          ['a second source', 'Reuters', 'The Telegraph'],
        );
        assert.equal(travelled.hops[1].relayedBy.proposed.kind, 'outlet');
        assert.equal(travelled.hops[2].relayedBy.match?.name, 'The Telegraph');
        const peskov = carrying(list, 'I do not know anything about this.');
        assert.equal(peskov.statement.proposed.kind, 'no_comment');
        assert.equal(peskov.statement.proposed.textForm, 'quote');
        assert.equal(peskov.hops.length, 1);
        assert.equal(peskov.hops[0].cue, 'Kremlin spokesman Dmitry Peskov said');
        assert.equal(peskov.hops[0].hedge, 'said');
      });
    });

    describe('on the demo document', () => {
      it('reports what the demo tagged, and matches speakers to existing actors by name', async () => {
        const t = await makeTestApp({ demo: true });
        const list = await suggestionsFor(t, await demoId(t.db, 'document', 'telegraph-article'));
        const peskov = carrying(list, 'I do not know anything about this.');
        assert.equal(peskov.status, 'tagged');
        assert.equal(peskov.tag.existingTagId, await demoId(t.db, 'tag', 'tag-peskov-no-comment'));
        assert.equal(peskov.speaker.match?.id, await demoId(t.db, 'actor', 'peskov'));
        assert.equal(peskov.speaker.match?.by, 'name');
        assert.equal(peskov.statement.match?.id, await demoId(t.db, 'statement', 'peskov-no-comment'));
      });
    });

    describe('on an unknown document', () => {
      it('answers 404', async () => {
        const t = await makeTestApp();
        expectProblem(await t.http.post('/v1/documents/999/suggestions'), 404);
        expectProblem(await t.http.post('/v1/documents/abc/suggestions'), 400);
      });
    });
  });

  describe('POST /v1/documents/:id/suggestions/accept', () => {
    describe('on a new document', () => {
      it('creates tags, statements, actors and hops in one request; the same set again creates nothing', async () => {
        const t = await makeTestApp();
        const id = await newDocument(t);
        const list = await suggestionsFor(t, id);
        const chosen = STORY.map((f) => carrying(list, f));
        const before = {
          tags: await count(t, 'tags'),
          statements: await count(t, 'statements'),
          actors: await count(t, 'actors'),
          relays: await count(t, 'relays'),
        };
        const peskovIndex = STORY.indexOf('I do not know anything');
        const accept = chosen.map((s, i) =>
          i === peskovIndex ? { id: s.id, cue: 'Dmitry Peskov, the Kremlin spokesman, said', hedge: 'said' as const } : { id: s.id },
        );
        const res = await t.as('journalist').post(`/v1/documents/${id}/suggestions/accept`).send({ accept }).expect(200);
        const result = res.body as SuggestionAcceptResult;
        assert.ok(validAcceptResult(result), JSON.stringify(validAcceptResult.errors));
        assert.equal(result.accepted.length, STORY.length);
        assert.equal((await count(t, 'tags')) - before.tags, STORY.length);
        assert.equal((await count(t, 'statements')) - before.statements, STORY.length);
        // Three anonymous sources (the second twice), Peskov, the detained man, the IS member, Reuters, the FSB.
        assert.equal((await count(t, 'actors')) - before.actors, 8);
        assert.ok((await count(t, 'relays')) - before.relays >= STORY.length * 2);

        // The nested chain reads back through provenance: IS member → source 2 → Reuters → The Telegraph.
        const travelledTag = result.result.items.find(
          (x) => x.type === 'tag' && x.key === `t-${carrying(list, 'already travelled').id.slice(3)}`,
        )!;
        const tag = await t.http.get(`/v1/tags/${travelledTag.id}`).expect(200);
        const prov = await t.http.get(`/v1/statements/${tag.body.statementId}/provenance`).expect(200);
        assert.equal(prov.body.speaker.identityStatus, 'unidentified');
        const path: string[] = [];
        let hops = prov.body.hops;
        while (hops.length) {
          path.push(hops[0].relayedBy.name ?? hops[0].relayedBy.description);
          hops = hops[0].hops;
        }
        assert.deepEqual(path, ['a second source', 'Reuters', 'The Telegraph']);
        const peskovTag = (await t.http.get(`/v1/documents/${id}/tags`).expect(200)).body.items.find((x: { exact: string }) =>
          x.exact.startsWith('I do not know'),
        );
        const peskovRelay = await t.http.get(`/v1/relays/${peskovTag.relayId}`).expect(200);
        assert.equal(peskovRelay.body.cue, 'Dmitry Peskov, the Kremlin spokesman, said');

        // Both anonymous quotes of the second source are one actor.
        const second = (await t.db.queryFirst(`SELECT count(*) AS n FROM actors WHERE description = 'a second source'`)) as { n: number };
        assert.equal(second.n, 1);

        const after = await snapshot(t.db);
        const again = await t.as('journalist').post(`/v1/documents/${id}/suggestions/accept`).send({ accept }).expect(200);
        assert.equal((again.body as SuggestionAcceptResult).result.created, 0);
        assert.equal((again.body as SuggestionAcceptResult).result.updated, 0);
        assert.deepEqual(await snapshot(t.db), after);
      });

      it('writes nothing when one chosen suggestion is unknown', async () => {
        const t = await makeTestApp();
        const id = await newDocument(t);
        const list = await suggestionsFor(t, id);
        const before = await snapshot(t.db);
        const res = await t
          .as('journalist')
          .post(`/v1/documents/${id}/suggestions/accept`)
          .send({ accept: [{ id: list[0].id }, { id: 'sg_0000000000000000' }] });
        expectProblem(res, 422);
        assert.deepEqual(await snapshot(t.db), before);
      });
    });

    describe('on the demo document', () => {
      it('skips what the demo already tagged', async () => {
        const t = await makeTestApp({ demo: true });
        const id = await demoId(t.db, 'document', 'telegraph-article');
        const list = await suggestionsFor(t, id);
        const peskov = carrying(list, 'I do not know anything about this.');
        const before = await snapshot(t.db);
        const res = await t
          .as('journalist')
          .post(`/v1/documents/${id}/suggestions/accept`)
          .send({ accept: [{ id: peskov.id }] })
          .expect(200);
        assert.deepEqual(
          (res.body as SuggestionAcceptResult).skipped.map((s) => s.id),
          [peskov.id],
        );
        assert.equal((res.body as SuggestionAcceptResult).result.created, 0);
        assert.deepEqual((await snapshot(t.db)).tags, before.tags);
      });
    });

    describe('with a malformed body or role', () => {
      it('answers 400 for a bad body and 403 to a reader', async () => {
        const t = await makeTestApp();
        const id = await newDocument(t);
        expectFieldErrors(await t.as('journalist').post(`/v1/documents/${id}/suggestions/accept`).send({ accept: [] }), ['/accept']);
        expectFieldErrors(
          await t
            .as('journalist')
            .post(`/v1/documents/${id}/suggestions/accept`)
            .send({ accept: [{ id: 'nope' }] }),
          ['/accept/0/id'],
        );
        expectProblem(
          await t
            .as('reader')
            .post(`/v1/documents/${id}/suggestions/accept`)
            .send({ accept: [{ id: 'sg_0000000000000000' }] }),
          403,
        );
      });
    });
  });
});
