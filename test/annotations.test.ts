import assert from 'node:assert/strict';
import { makeTestApp, demoId, type TestApp } from './helpers/test-app.js';
import type { Tag, TagChange } from '../src/generated/schema-types.js';
import type { RouteContext } from '../src/http/route.js';
import {
  ANNO,
  droppedTerms,
  tagEveryWord,
  wordsFor,
  type LdNode,
  type Served,
  type ServedAnnotation,
  webAnnotationShouldViolations,
  webAnnotationViolations,
} from './helpers/web-annotation.js';

function annotationsOf(doc: Served): ServedAnnotation[] {
  const items = doc.type === 'AnnotationCollection' ? (doc.first?.items ?? []) : (doc.items ?? []);
  return items as unknown as ServedAnnotation[];
}

async function getAnnotations(t: TestApp, docId: number, page?: number): Promise<Served> {
  const res = await t.http.get(`/v1/documents/${docId}/annotations${page === undefined ? '' : `?page=${page}`}`).expect(200);
  assert.match(res.headers['content-type'], /^application\/ld\+json; /);
  assert.match(res.headers['content-type'], /profile="http:\/\/www\.w3\.org\/ns\/anno\.jsonld"/);
  return JSON.parse(res.text);
}

/** Dereferences our own IRIs back to bodies, for the checker's selector checks (the bodies as they are now). */
async function bodies(t: TestApp): Promise<(iri: string) => string | undefined> {
  const rows = await t.db.query<{ id: number; body: string | null }>('SELECT id, body FROM documents');
  const byId = new Map(rows.map((r) => [r.id, r.body ?? undefined]));
  return (iri: string) => {
    const m = /\/v1\/documents\/(\d+)$/.exec(new URL(iri).pathname);
    return m ? byId.get(Number(m[1])) : undefined;
  };
}

async function newDoc(t: TestApp, body: string) {
  const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Example Gazette' }).expect(201))
    .body.id;
  const speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Ann Example' }).expect(201)).body
    .id;
  const statement = (
    await t.http.post('/v1/statements').send({ speakerId: speaker, text: 'x', textForm: 'quote', kind: 'assertion' }).expect(201)
  ).body.id;
  const doc = (await t.http.post('/v1/documents').send({ outletId: outlet, title: 'Gazette story', body }).expect(201)).body.id;
  return { doc, statement, speaker };
}

describe('annotations', () => {
  describe('the Web Annotation MUST checker', () => {
    const valid = () => ({
      '@context': ANNO,
      id: 'http://example.org/c',
      type: 'AnnotationCollection',
      total: 1,
      first: {
        id: 'http://example.org/c?page=0',
        type: 'AnnotationPage',
        startIndex: 0,
        items: [
          {
            id: 'http://example.org/a1',
            type: 'Annotation',
            motivation: 'tagging',
            created: '2024-04-01T10:00:00Z',
            body: [{ type: 'TextualBody', purpose: 'tagging', value: 'Someone' }],
            target: {
              type: 'SpecificResource',
              source: 'http://example.org/doc',
              selector: [
                { type: 'TextQuoteSelector', exact: 'b😀c', prefix: 'a', suffix: 'd' },
                { type: 'TextPositionSelector', start: 1, end: 4 },
              ],
            },
          },
        ],
      },
      last: 'http://example.org/c?page=0',
    });
    const bodyOf = (iri: string) => (iri === 'http://example.org/doc' ? 'ab😀cd' : undefined);

    it('passes a conforming collection (code point offsets over an emoji)', () => {
      assert.deepEqual(webAnnotationViolations(valid(), bodyOf), []);
    });

    it('reports each MUST it checks when broken', () => {
      // What the cases break, typed openly enough to break it.
      type Open = Record<string, unknown>;
      type Item = Open & { body: unknown[]; target: Open & { selector: Open[] } };
      const first = (d: LdNode) => d.first as Open & { items: unknown[] };
      const item = (d: LdNode) => first(d).items[0] as Item;
      const cases: Array<[string, (d: LdNode) => void]> = [
        ['A1', (d) => delete d['@context']],
        ['A1', (d) => (d['@context'] = 'http://example.org/other.jsonld')],
        ['A1', (d) => (d['@context'] = [ANNO])],
        ['A2', (d) => delete item(d).id],
        ['A2', (d) => (item(d).id = '/relative/a1')],
        ['A3', (d) => (item(d).type = 'Note')],
        ['A4', (d) => delete (item(d) as Open).target],
        ['A5', (d) => (item(d).bodyValue = 'text')],
        ['B1', (d) => item(d).body.push({ id: 'not an iri', type: 'Dataset' })],
        ['B1', (d) => item(d).body.push('also not an iri')],
        ['B2', (d) => delete (item(d).body[0] as Open).value],
        ['L1', (d) => (item(d).created = ['2024-04-01T10:00:00Z', '2024-04-02T10:00:00Z'])],
        ['L1', (d) => (item(d).modified = 'April 2024')],
        ['L2', (d) => (item(d).canonical = 'urn x')],
        ['S1', (d) => delete item(d).target.source],
        ['S2', (d) => delete item(d).target.selector[0].exact],
        ['S2', (d) => (item(d).target.selector[0].prefix = ['a', 'b'])],
        ['S3', (d) => (item(d).target.selector[1].start = -1)],
        ['S3', (d) => (item(d).target.selector[1].end = 1.5)],
        ['S4', (d) => (item(d).target.selector[1].end = 5)],
        ['S4', (d) => Object.assign(item(d).target.selector[1], { start: 1, end: 5 })], // UTF-16 offsets
        ['S5', (d) => (item(d).target.selector[0].prefix = 'x')],
        ['S6', (d) => (item(d).target.selector[0].exact = 'zzz')],
        ['S7', (d) => (item(d).target.state = { type: 'TimeState', sourceDateStart: '2024-04-01T10:00:00Z' })],
        ['S7', (d) => (item(d).target.state = { type: 'TimeState', sourceDate: '2024-04-01T10:00:00+02:00' })],
        ['C1', (d) => (d.id = 'c')],
        ['C2', (d) => (d.total = -1)],
        ['C3', (d) => delete d.first],
        ['C3', (d) => (d.last = ['http://example.org/1', 'http://example.org/2'])],
        ['P1', (d) => delete (first(d) as Open).items],
        ['P1', (d) => delete first(d).id],
        ['P2', (d) => (first(d).next = 'not an iri')],
        ['P2', (d) => (first(d).startIndex = -3)],
        ['P3', (d) => (first(d).items[1] = 'also not an iri')],
        ['R1', (d) => (item(d).motivation = 'shouting')],
      ];
      for (const [rule, breakIt] of cases) {
        const d = valid();
        breakIt(d);
        const found = webAnnotationViolations(d, bodyOf);
        assert.ok(
          found.some((v) => v.startsWith(rule)),
          `${rule} not reported for ${breakIt.toString()}: ${JSON.stringify(found)}`,
        );
      }
    });
  });

  describe('GET /v1/documents/:id/annotations', () => {
    it('exports the tagged demo article as an AnnotationCollection meeting every MUST', async () => {
      const t = await makeTestApp({ demo: true });
      const doc = await demoId(t.db, 'document', 'telegraph-article');
      // Start from the article untagged: the demo's own tags would stand beside the ones made here.
      for (const { id } of (await t.db.query('SELECT id FROM tags')) as Array<{ id: number }>)
        await t.http.delete(`/v1/tags/${id}`).expect(204);
      const spans: Array<[string, string]> = [
        ['peskov-no-comment', 'I do not know anything about this.'],
        ['took-weapons', 'I took weapons to them, these guys who attacked Crocus City Hall. I took them weapons from Makhachkala.'],
        ['already-travelled', 'some members of the group had already travelled to Russia'],
        [
          'obligation',
          'As Iran has been a victim of terror attacks for years, Iranian authorities fulfilled their obligation to alert Moscow based on information acquired from those arrested terrorists.',
        ],
      ];
      const tags: Tag[] = [];
      for (const [key, exact] of spans) {
        tags.push(
          (
            await t.http
              .post(`/v1/documents/${doc}/tags`)
              .send({ selector: { exact }, statementId: await demoId(t.db, 'statement', key) })
              .expect(201)
          ).body,
        );
      }
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
      assert.equal(coll['@context'], ANNO);
      assert.equal(coll.type, 'AnnotationCollection');
      assert.equal(coll.total, 4);
      assert.match(coll.id, new RegExp(`/v1/documents/${doc}/annotations$`));
      const items = annotationsOf(coll);
      assert.equal(items.length, 4, 'one Annotation per tag');
      const peskov = items.find((a) => a.target.selector[0].exact === spans[0][1]);
      const tag = tags[0];
      assert.equal(new URL(peskov!.id).pathname, `/v1/tags/${tag.id}`);
      assert.equal(peskov!.motivation, 'tagging');
      assert.deepEqual([peskov!.created, peskov!.modified], [tag.createdAt, tag.modifiedAt]);
      assert.equal(new URL(peskov!.target.source).pathname, `/v1/documents/${doc}`);
      assert.deepEqual(peskov!.target.selector[1], { type: 'TextPositionSelector', start: tag.start, end: tag.end });
      assert.deepEqual(peskov!.target.selector[0], { type: 'TextQuoteSelector', exact: tag.exact, prefix: tag.prefix, suffix: tag.suffix });
      // The body names the speaker and identifies the statement; both IRIs resolve here.
      assert.deepEqual(peskov!.body[0], {
        type: 'TextualBody',
        purpose: 'tagging',
        value: 'Dmitry Peskov',
        format: 'text/plain',
        language: 'en',
        creator: peskov!.creator.id,
        created: tag.createdAt,
      });
      const statementIri = peskov!.body.find((b) => b.purpose === 'identifying')!.source!.id;
      assert.equal((await t.http.get(new URL(statementIri).pathname).expect(200)).body.text, 'I do not know anything about this.');
      const speakerIri = peskov!.body.find((b) => b.purpose === 'linking')!.source!.id;
      assert.equal((await t.http.get(new URL(speakerIri).pathname).expect(200)).body.name, 'Dmitry Peskov');
      assert.equal((await t.http.get(new URL(peskov!.id).pathname).expect(200)).body.id, tag.id);
      // The unidentified man in the FSB video is named as described.
      const video = items.find((a) => a.target.selector[0].exact.startsWith('I took weapons'));
      assert.equal(video!.body[0].value, 'a detained man shown in an FSB video');
    });

    it('keeps meeting the MUSTs after edits: moved and fuzzy tags point at the text now there, orphans keep only their quote, in time', async () => {
      const t = await makeTestApp();
      const body = '🔥 Intro.\r\nThe minister said the plan would cut costs.\r\nCritics called it vague.\r\nShe added: no comment.';
      const { doc, statement } = await newDoc(t, body);
      for (const exact of ['the plan would cut costs', 'Critics called it vague.', 'no comment']) {
        await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact }, statementId: statement }).expect(201);
      }
      const edited = '🔥👍🏽 Update.\r\nThe minister said the plan would reduce costs.\r\nCritics called it vague.\r\n';
      const report = (await t.http.patch(`/v1/documents/${doc}`).send({ body: edited }).expect(200)).body.tags;
      assert.deepEqual(
        report.map((x: TagChange) => x.status),
        ['fuzzy', 'moved', 'orphaned'],
      );
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
      const [fuzzy, moved, orphan] = annotationsOf(coll);
      assert.equal(fuzzy.target.selector[0].exact, 'the plan would reduce costs');
      assert.deepEqual(moved.target.selector[1], { type: 'TextPositionSelector', start: report[1].start, end: report[1].end });
      assert.deepEqual(
        orphan.target.selector.map((s) => s.type),
        ['TextQuoteSelector'],
      );
      assert.equal(orphan.target.selector[0].exact, 'no comment');
      assert.equal(orphan.target.state.type, 'TimeState');
      assert.ok(orphan.target.state.sourceDateStart <= orphan.target.state.sourceDateEnd);
      assert.ok(!edited.includes('no comment'), 'the orphan quote is from before the edit');
      assert.ok(orphan.modified >= orphan.created);
    });

    it('pages a large collection: the first page embedded, the others by ?page=N, all meeting the MUSTs', async () => {
      const t = await makeTestApp();
      const words = wordsFor(250);
      const { doc, statement } = await newDoc(t, words.join(' '));
      await tagEveryWord(t, doc, statement, words);
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
      assert.equal(coll.total, 250);
      assert.equal(coll.first!.items.length, 100);
      assert.equal(coll.first!.startIndex, 0);
      assert.equal(new URL(coll.first!.next).search, '?page=1');
      assert.equal(new URL(coll.last).search, '?page=2');
      const seen = [...coll.first!.items];
      for (let n = 1, next = coll.first!.next; next; n++) {
        assert.equal(new URL(next).search, `?page=${n}`);
        const page = await getAnnotations(t, doc, n);
        assert.deepEqual(webAnnotationViolations(page, await bodies(t)), []);
        assert.equal(page['@context'], ANNO);
        assert.equal(new URL(page.partOf.id).pathname, new URL(coll.id).pathname);
        assert.equal(page.partOf.total, 250);
        assert.equal(page.startIndex, seen.length);
        assert.equal(new URL(page.prev).search, `?page=${n - 1}`);
        seen.push(...page.items);
        next = page.next;
      }
      assert.deepEqual(
        seen.map((a) => a.target.selector[0].exact),
        words,
        'every tag once, in text order',
      );
      assert.equal(new Set(seen.map((a) => a.id)).size, 250);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=3`)).status, 404);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=-1`)).status, 400);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=two`)).status, 400);
    });

    it('uses WHOSAID_PUBLIC_URL for its IRIs when set, whatever host the request named', async () => {
      const { tagRoutes } = await import('../src/tags/tag-routes.js');
      const t = await makeTestApp();
      const { doc, statement } = await newDoc(t, 'Words to tag.');
      await t.db.transaction(() => t.services.tags.create(doc, { selector: { exact: 'Words' }, statementId: statement }));
      const route = tagRoutes(t.services.tags, t.services.documents, 'https://whosaid.example.org/').find((r) =>
        r.path.endsWith('/annotations'),
      )!;
      const req = { protocol: 'http', get: () => 'internal:8080' };
      const ctx = { params: { id: doc }, query: {}, req, res: {} } as unknown as RouteContext;
      const coll = (await route.handler(ctx)) as Served;
      assert.equal(coll.id, `https://whosaid.example.org/v1/documents/${doc}/annotations`);
      assert.equal(coll.first.items[0].target.source, `https://whosaid.example.org/v1/documents/${doc}`);
      assert.deepEqual(webAnnotationViolations(coll), []);
    });

    it('an untagged document: total 0, no pages linked, no page 0; unknown documents are 404', async () => {
      const t = await makeTestApp();
      const { doc } = await newDoc(t, 'Nothing tagged here.');
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
      assert.deepEqual([coll.total, coll.first, coll.last], [0, undefined, undefined]);
      // A page holds at least one annotation (§5.2): an empty collection has no page 0.
      const page = await t.http.get(`/v1/documents/${doc}/annotations?page=0`);
      assert.equal(page.status, 404);
      assert.equal(page.type, 'application/problem+json');
      assert.equal((await t.http.get('/v1/documents/9999/annotations')).status, 404);
    });

    it('names an anonymous speaker by description and never exports confidential fields', async () => {
      const t = await makeTestApp();
      const { doc } = await newDoc(t, 'A source close to the talks said they had collapsed.');
      await t.http
        .post(`/v1/documents/${doc}/tags`)
        .send({
          selector: { exact: 'they had collapsed' },
          statement: {
            speaker: {
              kind: 'person',
              identityStatus: 'anonymous',
              description: 'a source close to the talks',
              attestation: { by: 'desk editor', note: 'SECRET-NOTE-1' },
              confidentialNotes: 'SECRET-NOTE-2',
            },
            textForm: 'paraphrase',
            kind: 'assertion',
          },
        })
        .expect(201);
      const res = await t.http.get(`/v1/documents/${doc}/annotations`).expect(200);
      assert.doesNotMatch(res.text, /SECRET-NOTE|attestation|desk editor/);
      assert.equal(annotationsOf(JSON.parse(res.text))[0].body[0].value, 'a source close to the talks');
      const tags = await t.http.get(`/v1/documents/${doc}/tags`).expect(200);
      assert.doesNotMatch(tags.text, /SECRET-NOTE|desk editor/);
    });

    describe('an article with its URL and language recorded', () => {
      const URL_OF_ARTICLE = 'https://gazette.example/2024/04/plan';
      async function article(t: TestApp, body: string) {
        const { doc, statement } = await newDoc(t, body);
        await t.http.patch(`/v1/documents/${doc}`).send({ url: URL_OF_ARTICLE, language: 'en' }).expect(200);
        return { doc, statement };
      }

      it('targets the article itself, the API copy kept as via; creator, dates, language and format everywhere', async () => {
        const t = await makeTestApp();
        const { doc, statement } = await article(t, 'The minister said the plan would cut costs.');
        const tag = (
          await t.http
            .post(`/v1/documents/${doc}/tags`)
            .send({ selector: { exact: 'the plan would cut costs' }, statementId: statement })
            .expect(201)
        ).body as Tag;
        const coll = await getAnnotations(t, doc);
        assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
        assert.deepEqual(webAnnotationShouldViolations(coll), []);
        assert.deepEqual(await droppedTerms(coll), [], 'JSON-LD expansion keeps every term');
        const [a] = annotationsOf(coll);
        assert.deepEqual(a.creator, {
          id: 'http://localhost:3000/',
          type: 'Organization',
          name: 'whosaid',
          nickname: 'whosaid',
          homepage: 'http://localhost:3000/',
        });
        assert.deepEqual([a.created, a.modified], [tag.createdAt, tag.modifiedAt]);
        assert.equal(a.target.source, URL_OF_ARTICLE);
        assert.equal(a.target.via, `http://localhost:3000/v1/documents/${doc}`);
        assert.deepEqual([a.target.format, a.target.language], ['text/html', 'en']);
        for (const b of a.body) {
          assert.ok(b.format ?? b.source?.format, `format on ${b.purpose}`);
          assert.deepEqual([b.creator, b.created], [a.creator.id, tag.createdAt]);
        }
        assert.equal(a.body[0].language, 'en');
        // The embedded first page says which collection it is part of, as every other page does.
        assert.deepEqual(coll.first.partOf, { id: coll.id, label: coll.label, total: 1 });
      });

      it('without a URL, targets the API document, a JSON record', async () => {
        const t = await makeTestApp();
        const { doc, statement } = await newDoc(t, 'Critics called it vague.');
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'vague' }, statementId: statement })
          .expect(201);
        const [a] = annotationsOf(await getAnnotations(t, doc));
        assert.equal(a.target.source, `http://localhost:3000/v1/documents/${doc}`);
        assert.equal(a.target.via, undefined);
        assert.equal(a.target.format, 'application/json');
        assert.equal(a.target.language, undefined, 'no language recorded: none claimed');
      });

      it('with WHOSAID_ANNOTATION_CREATOR=key, credits the key whose request made the tag (the organisation when none did)', async () => {
        const t = await makeTestApp({ deps: { annotationCreator: 'key', orgName: 'Gazette Desk', orgUrl: 'https://gazette.example/' } });
        const { doc, statement } = await article(t, 'One two three.');
        await t
          .as('journalist')
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'One' }, statementId: statement })
          .expect(201);
        await t.db.transaction(() => t.services.tags.create(doc, { selector: { exact: 'three' }, statementId: statement }));
        const coll = await getAnnotations(t, doc);
        const [byKey, byNoKey] = annotationsOf(coll);
        const key = (await t.db.queryFirst(`SELECT id FROM api_keys WHERE name = 'test journalist'`)) as { id: number };
        assert.deepEqual(byKey.creator, {
          id: `http://localhost:3000/v1/keys/${key.id}`,
          type: 'Person',
          name: 'test journalist',
          nickname: 'test journalist',
        });
        assert.deepEqual(byNoKey.creator, {
          id: 'https://gazette.example/',
          type: 'Organization',
          name: 'Gazette Desk',
          nickname: 'Gazette Desk',
          homepage: 'https://gazette.example/',
        });
        assert.deepEqual(webAnnotationShouldViolations(coll), []);
      });

      it('keeps orphaned tags, marked by a TimeState and a describing body; placed tags carry neither', async () => {
        const t = await makeTestApp();
        const { doc, statement } = await article(t, 'Keep this. Lose that.');
        for (const exact of ['Keep this.', 'Lose that.'])
          await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact }, statementId: statement }).expect(201);
        await t.http.patch(`/v1/documents/${doc}`).send({ body: 'Keep this. Something else entirely, now.' }).expect(200);
        const coll = await getAnnotations(t, doc);
        assert.equal(coll.total, 2, 'the orphan is not left out');
        assert.deepEqual(webAnnotationViolations(coll, await bodies(t)), []);
        assert.deepEqual(webAnnotationShouldViolations(coll), []);
        assert.deepEqual(await droppedTerms(coll), []);
        const [placed, orphan] = annotationsOf(coll);
        assert.equal(placed.target.state, undefined);
        assert.ok(!placed.body.some((b) => b.purpose === 'describing'));
        assert.equal(orphan.target.state.type, 'TimeState');
        const note = orphan.body.find((b) => b.purpose === 'describing');
        assert.match(note!.value!, /^Orphaned: this text is no longer in the document/);
        assert.equal(note!.created, orphan.modified);
      });

      it('pages carry partOf and keep every term through JSON-LD expansion', async () => {
        const t = await makeTestApp();
        const words = wordsFor(120);
        const { doc, statement } = await article(t, words.join(' '));
        await tagEveryWord(t, doc, statement, words);
        const coll = await getAnnotations(t, doc);
        const page = await getAnnotations(t, doc, 1);
        for (const d of [coll, page]) {
          assert.deepEqual(webAnnotationViolations(d, await bodies(t)), []);
          assert.deepEqual(webAnnotationShouldViolations(d), []);
          assert.deepEqual(await droppedTerms(d), []);
        }
        assert.equal(coll.first.partOf.id, coll.id);
        assert.equal(page.partOf.id, coll.id);
      });
    });
  });
});
