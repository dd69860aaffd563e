import assert from 'node:assert/strict';
import { demoId, makeTestApp, type TestApp } from '../helpers/test-app.js';
import {
  ANNO,
  droppedTerms,
  type LdNode,
  tagEveryWord,
  webAnnotationShouldViolations,
  webAnnotationViolations,
  wordsFor,
} from '../helpers/web-annotation.js';

// Optional runner. No npm package vendors the W3C web-annotation-tests, so the Web Annotation Data
// Model's MUST and SHOULD requirements are encoded as checks in test/helpers/web-annotation.ts, each
// citing its section of the Recommendation (MUSTs: A1–A5, B1–B2, L1–L2, S1–S7, C1–C3, P1–P3; SHOULDs:
// W1–W12); JSON-LD expansion with the W3C context (the `jsonld` package, safe from the network) must drop
// no term. Run on a fresh demo database and a document with 105 tags (one of them orphaned) on two pages.

describe('conformance: Web Annotation MUSTs and SHOULDs, and JSON-LD expansion', () => {
  let t: TestApp;
  const docs: Array<[string, LdNode]> = [];
  // Our own document IRIs dereferenced to their bodies as they are now, for the selector checks.
  const bodiesNow = async () => {
    const rows = await t.db.query<{ id: number; body: string | null }>('SELECT id, body FROM documents');
    const byId = new Map(rows.map((r) => [r.id, r.body ?? undefined]));
    return (iri: string) => {
      const m = /\/v1\/documents\/(\d+)$/.exec(new URL(iri).pathname);
      return m ? byId.get(Number(m[1])) : undefined;
    };
  };

  before(async () => {
    t = await makeTestApp({ demo: true });
    const get = async (path: string) => JSON.parse((await t.as('reader').get(path).expect(200)).text) as LdNode;
    for (const key of ['telegraph-article', 'reuters-report']) {
      const id = await demoId(t.db, 'document', key);
      docs.push([`demo ${key}`, await get(`/v1/documents/${id}/annotations`)]);
    }
    const words = wordsFor(105);
    const doc = (
      await t.http
        .post('/v1/documents')
        .send({
          outletId: await demoId(t.db, 'actor', 'reuters'),
          title: '105 tags',
          url: 'https://news.example.org/105',
          language: 'en',
          body: words.join(' '),
        })
        .expect(201)
    ).body.id;
    await tagEveryWord(t, doc, await demoId(t.db, 'statement', 'tipoff'), words);
    // The last word goes: its tag is orphaned, kept and marked.
    await t.http
      .patch(`/v1/documents/${doc}`)
      .send({ body: words.slice(0, -1).join(' ') })
      .expect(200);
    docs.push(['105 tags, collection', await get(`/v1/documents/${doc}/annotations`)]);
    docs.push(['105 tags, page 1', await get(`/v1/documents/${doc}/annotations?page=1`)]);
  });

  describe('the SHOULD checker', () => {
    const valid = (): LdNode => ({
      '@context': ANNO,
      id: 'http://example.org/c',
      type: 'AnnotationCollection',
      label: 'c',
      total: 1,
      last: 'http://example.org/c?page=0',
      first: {
        id: 'http://example.org/c?page=0',
        type: 'AnnotationPage',
        partOf: 'http://example.org/c',
        startIndex: 0,
        items: [
          {
            id: 'http://example.org/a1',
            type: 'Annotation',
            motivation: 'tagging',
            creator: { id: 'http://example.org/org', type: 'Organization', name: 'Org', nickname: 'org' },
            created: '2024-04-01T10:00:00Z',
            modified: '2024-04-01T10:00:00Z',
            body: [
              {
                type: 'TextualBody',
                purpose: 'tagging',
                value: 'Someone',
                format: 'text/plain',
                language: 'en',
                creator: 'http://example.org/org',
                created: '2024-04-01T10:00:00Z',
              },
            ],
            target: {
              type: 'SpecificResource',
              source: 'http://example.org/doc',
              format: 'text/html',
              language: 'en',
              selector: [{ type: 'TextQuoteSelector', exact: 'b', prefix: 'a', suffix: 'c' }],
            },
          },
        ],
      },
    });
    type Open = Record<string, unknown>;
    const first = (d: LdNode) => d.first as Open & { items: Array<Open & { body: Open[]; target: Open & { selector: Open[] } }> };
    const item = (d: LdNode) => first(d).items[0];

    it('passes a conforming collection', async () => {
      assert.deepEqual(webAnnotationShouldViolations(valid()), []);
      assert.deepEqual(await droppedTerms(valid()), []);
    });

    it('reports each SHOULD it checks when broken, and a term JSON-LD drops', async () => {
      const cases: Array<[string, (d: LdNode) => void]> = [
        ['W1', (d) => delete (item(d) as Open).body],
        ['W2', (d) => delete item(d).target.format],
        ['W2', (d) => delete item(d).body[0].format],
        ['W3', (d) => delete item(d).target.language],
        ['W3', (d) => (item(d).body[0].language = ['en', 'fr'])],
        ['W4', (d) => (item(d).body[0].type = 'Text')],
        ['W5', (d) => delete item(d).creator],
        ['W5', (d) => delete item(d).body[0].creator],
        ['W6', (d) => delete item(d).created],
        ['W6', (d) => (item(d).modified = '2024-04-01T12:00:00+02:00')],
        ['W7', (d) => delete (item(d).creator as Open).name],
        ['W7', (d) => ((item(d).creator as Open).type = 'Newsroom')],
        ['W7', (d) => delete (item(d).creator as Open).id],
        ['W8', (d) => delete item(d).motivation],
        ['W9', (d) => (item(d).target.type = 'Text')],
        ['W10', (d) => delete item(d).target.selector[0].prefix],
        ['W11', (d) => delete d.label],
        ['W11', (d) => delete d.last],
        ['W12', (d) => (first(d)['@context'] = ANNO)],
        ['W12', (d) => delete first(d).partOf],
        ['W12', (d) => (first(d).startIndex = 100)],
        ['X1', (d) => delete item(d).modified],
      ];
      for (const [rule, breakIt] of cases) {
        const d = valid();
        breakIt(d);
        const found = webAnnotationShouldViolations(d);
        assert.ok(
          found.some((v) => v.startsWith(`${rule} `)),
          `${rule} not reported for ${breakIt}: ${JSON.stringify(found)}`,
        );
      }
      const d = valid();
      item(d).target.quote = 'a member the context does not define';
      assert.equal((await droppedTerms(d)).length, 1);
    });
  });

  describe('GET /v1/documents/:id/annotations', () => {
    it('meets every MUST, on the demo and on 105 tags', async () => {
      assert.ok(docs.length === 4);
      const bodyOf = await bodiesNow();
      for (const [what, doc] of docs) assert.deepEqual(webAnnotationViolations(doc, bodyOf), [], what);
    });

    it('meets every SHOULD', () => {
      for (const [what, doc] of docs) assert.deepEqual(webAnnotationShouldViolations(doc), [], what);
    });

    it('keeps every term through JSON-LD expansion with the W3C context', async () => {
      for (const [what, doc] of docs) assert.deepEqual(await droppedTerms(doc), [], what);
    });

    it('pages the 105 tags as 100 and 5, the orphan last and marked', () => {
      const [, coll] = docs[2];
      const [, page] = docs[3];
      const items = [...((coll.first as LdNode).items ?? []), ...(page.items ?? [])];
      assert.deepEqual([coll.total, items.length], [105, 105]);
      const orphan = items[104] as LdNode & { target: { state?: unknown }; body: Array<{ purpose: string }> };
      assert.ok(orphan.target.state && orphan.body.some((b) => b.purpose === 'describing'));
    });
  });
});
