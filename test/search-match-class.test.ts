// Every search result says how sure it is (issue 11): a match class from how much of the pasted text the
// statement covers and how much of the statement the paste covers.
import assert from 'node:assert/strict';
import type { SearchResults } from '../src/generated/schema-types.js';
import { highlight, matchClass, stem, wordTokens } from '../src/search/normalise.js';
import { demoId, makeTestApp, type TestApp } from './helpers/test-app.js';

const WEAPONS = 'I took weapons to them, these guys who attacked Crocus City Hall. I took them weapons from Makhachkala.';
const stems = (text: string) => wordTokens(text.toLowerCase()).map(stem);

describe('search match class', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ demo: true });
  });
  const classOf = async (q: string) => {
    const res = await t.http.get('/v1/search').query({ q }).expect(200);
    const body = res.body as SearchResults;
    const wanted = await demoId(t.db, 'statement', 'took-weapons');
    const hit = body.items.find((h) => h.statement.id === wanted);
    assert.ok(hit, `the detained man's statement is found for ${q}`);
    assert.ok(
      body.items.every((h) => ['verbatim', 'near', 'partial', 'weak'].includes(h.matchClass)),
      'every result carries a class',
    );
    return hit.matchClass;
  };

  describe('GET /v1/search', () => {
    it('is verbatim for the statement pasted whole, typography aside', async () => {
      assert.equal(await classOf(WEAPONS), 'verbatim');
      assert.equal(await classOf(`“${WEAPONS.replace(/,/g, ' ,').toUpperCase()}”`), 'verbatim');
    });
    it('is near with one word changed', async () => {
      assert.equal(await classOf(WEAPONS.replace('guys', 'men')), 'near');
    });
    it('is partial for a fragment', async () => {
      assert.equal(await classOf('these guys who attacked Crocus City Hall'), 'partial');
    });
    it('is weak for a paraphrase sharing three words', async () => {
      assert.equal(await classOf('A prisoner admitted he supplied guns to the Crocus gunmen from Makhachkala weapons depots'), 'weak');
    });
  });

  describe('matchClass', () => {
    it('also calls the statement inside a longer paste partial', () => {
      assert.equal(matchClass(stems(`The FSB released a video. ${WEAPONS} The men were later charged.`), stems(WEAPONS)), 'partial');
      assert.equal(matchClass([], stems(WEAPONS)), 'weak');
    });
  });

  describe('highlights', () => {
    it('never marks a small stop word on its own, only inside a run of matched words', () => {
      const text = 'The tip-off was passed to Moscow by one of the sources in the end.';
      const h = highlight(text, { stems: new Set(['the', 'of', 'to', 'moscow', 'passed'].map(stem)) });
      assert.deepEqual(
        h.highlights.map((x) => text.slice(x.start, x.end)),
        ['passed to Moscow'],
      );
    });
  });
});
