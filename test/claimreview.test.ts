import assert from 'node:assert/strict';
import { demoId, makeTestApp, schemaRegistry, type TestApp } from './helpers/test-app.js';
import { RATINGS } from '../src/exports/claimreview.js';
import { emptyMembers, googleGaps, type JsonNode } from './helpers/claim-review.js';
import { loadConfig, StartupError } from '../src/config.js';

// The fields Google's fact-check markup requires and recommends are checked by test/helpers/claim-review.ts;
// every vocabulary term's domain and range by the conformance runner (test/conformance/claimreview.test.ts).

type Node = JsonNode;

function assertShape(review: unknown): void {
  const v = schemaRegistry().validator('claim-review');
  assert.ok(v(review), JSON.stringify(v.errors));
}

async function review(t: TestApp, claim: number, role: 'reader' | 'admin' = 'admin'): Promise<Node> {
  const res = await t.as(role).get(`/v1/claims/${claim}/claimreview`).expect(200);
  assert.match(res.headers['content-type'], /^application\/ld\+json/);
  const body = JSON.parse(res.text);
  assertShape(body);
  assert.deepEqual(emptyMembers(body), [], 'no empty array, empty object or null anywhere');
  return body;
}

describe('ClaimReview export', () => {
  describe('GET /v1/claims/:id/claimreview', () => {
    describe('a claim made in the reporting, with a verdict', () => {
      it("has every field Google's fact-check markup requires and recommends, from the records", async () => {
        const t = await makeTestApp({ demo: true });
        const claim = await demoId(t.db, 'claim', 'ukraine-west-organised');
        const r = await review(t, claim);
        assert.deepEqual(googleGaps(r, 'recommended'), []);
        // The verdict names no article: the review's url is where this service serves it.
        assert.equal(r.url, `http://localhost:3000/v1/claims/${claim}/claimreview`);
        assert.equal(r.datePublished, '2024-04-30');
        const item = r.itemReviewed as Node;
        // Putin and Russia make the claim in 2024; Islamic State, which disputes it, is not its author.
        assert.equal(item.datePublished, '2024');
        assert.deepEqual(
          (item.author as Node[]).map((a) => [a['@type'], a.name]),
          [
            ['Person', 'Vladimir Putin'],
            ['Organization', 'Russia'],
          ],
        );
        assert.deepEqual(item.firstAppearance, (item.appearance as Node[])[0]);
        assert.equal((item.appearance as Node[])[0].datePublished, '2024-04');
      });

      it('gives the verdict url as the review url when the verdict has one', async () => {
        const t = await makeTestApp({ demo: true });
        const claim = await demoId(t.db, 'claim', 'is-carried-out-attack');
        await t.http
          .patch(`/v1/claims/${claim}`)
          .send({ verdict: { rating: 'true', url: 'https://news.example.org/fact-checks/crocus' } })
          .expect(200);
        const r = await review(t, claim);
        assert.equal(r.url, 'https://news.example.org/fact-checks/crocus');
        assert.deepEqual(googleGaps(r, 'recommended'), []);
      });

      it('dates the claim by its earliest statement, else by where it first appeared', async () => {
        const t = await makeTestApp({ demo: true });
        const claim = await demoId(t.db, 'claim', 'is-carried-out-attack');
        await t.http
          .patch(`/v1/claims/${claim}`)
          .send({ verdict: { rating: 'true' } })
          .expect(200);
        assert.equal(((await review(t, claim)).itemReviewed as Node).datePublished, '2024-03', 'Islamic State, in March');
        for (const key of ['is-claim', 'us-attribution'])
          await t.http
            .patch(`/v1/statements/${await demoId(t.db, 'statement', key)}`)
            .send({ saidOn: null })
            .expect(200);
        assert.equal(((await review(t, claim)).itemReviewed as Node).datePublished, '2024-04', 'the first appearance');
      });
    });

    describe('a bare verdict: a claim nobody is recorded as making', () => {
      it('is still a valid review, complete as far as the records go, with no empty member', async () => {
        const t = await makeTestApp();
        const claim = (
          await t.http
            .post('/v1/claims')
            .send({ text: 'The bridge was closed for a week', verdict: { rating: 'false' } })
            .expect(201)
        ).body;
        const r = await review(t, claim.id);
        assert.deepEqual(googleGaps(r, 'required'), []);
        assert.equal(r.url, `http://localhost:3000/v1/claims/${claim.id}/claimreview`);
        assert.equal(r.datePublished, claim.updatedAt.slice(0, 10), 'when the verdict was recorded');
        assert.deepEqual(r.author, { '@type': 'Organization', name: 'whosaid', url: 'http://localhost:3000/' });
        assert.deepEqual(r.reviewRating, { '@type': 'Rating', ratingValue: 1, bestRating: 5, worstRating: 1, alternateName: 'False' });
        assert.deepEqual(r.itemReviewed, {
          '@type': 'Claim',
          '@id': `http://localhost:3000/id/claim-${claim.id}`,
          text: 'The bridge was closed for a week',
        });
      });

      it('takes its author and every IRI from the configuration', async () => {
        const t = await makeTestApp({
          deps: { publicUrl: 'https://whosaid.example.org', orgName: 'Example Fact Desk', orgUrl: 'https://news.example.org/' },
        });
        const claim = (
          await t.http
            .post('/v1/claims')
            .send({ text: 'A claim', verdict: { rating: 'mixed' } })
            .expect(201)
        ).body.id;
        const r = await t.http.get(`/v1/claims/${claim}/claimreview`).set('Host', 'evil.example').expect(200);
        assert.deepEqual(r.body.author, { '@type': 'Organization', name: 'Example Fact Desk', url: 'https://news.example.org/' });
        assert.equal(r.body.url, `https://whosaid.example.org/v1/claims/${claim}/claimreview`);
        assert.doesNotMatch(r.text, /evil\.example/);
      });

      it('rates every verdict on the one 1 to 5 scale, each with its words', async () => {
        const t = await makeTestApp();
        for (const [rating, { value, name }] of Object.entries(RATINGS)) {
          const claim = (
            await t.http
              .post('/v1/claims')
              .send({ text: `Claim ${rating}`, verdict: { rating } })
              .expect(201)
          ).body.id;
          const r = await review(t, claim, 'reader');
          assert.deepEqual(googleGaps(r, 'required'), [], rating);
          assert.deepEqual([(r.reviewRating as Node).ratingValue, (r.reviewRating as Node).alternateName], [value, name]);
        }
      });
    });

    describe('an anonymous source makes the claim', () => {
      it('names it only by its descriptor: no identifying or confidential field reaches a reader', async () => {
        const t = await makeTestApp({ demo: true });
        const claim = await demoId(t.db, 'claim', 'iran-warned-russia');
        await t.http
          .patch(`/v1/actors/${await demoId(t.db, 'actor', 'source-3')}`)
          .send({ attestation: { by: 'SECRET desk chief', note: 'SECRET Colonel K.' }, confidentialNotes: 'SECRET meets at the café' })
          .expect(200);
        await t.http
          .patch(`/v1/claims/${claim}`)
          .send({ verdict: { rating: 'mostly_true' } })
          .expect(200);
        const res = await t.as('reader').get(`/v1/claims/${claim}/claimreview`).expect(200);
        assert.doesNotMatch(res.text, /SECRET|café|Colonel|attest/i);
        // The affiliation a reader may read elsewhere is still left out: with the descriptor it narrows who it is.
        assert.doesNotMatch(res.text, /Iranian authorities/);
        const authors = (res.body.itemReviewed.author as Node[]).map((a) => a.name);
        assert.deepEqual(authors, [
          'anonymous source: one of three sources cited by Reuters',
          'anonymous source: a second source',
          'anonymous source: a senior security official',
        ]);
        assert.ok(
          (res.body.itemReviewed.author as Node[]).every((a) => Object.keys(a).sort().join() === '@type,name'),
          'an anonymous author is its type and descriptor only',
        );
        assert.deepEqual(googleGaps(res.body, 'recommended'), []);
      });
    });
  });

  describe('the publisher settings', () => {
    it('reads WHOSAID_ORG_NAME, WHOSAID_ORG_URL and WHOSAID_ANNOTATION_CREATOR, with defaults', () => {
      const set = loadConfig({
        WHOSAID_ORG_NAME: 'Example Desk',
        WHOSAID_ORG_URL: 'https://news.example.org/',
        WHOSAID_ANNOTATION_CREATOR: 'key',
      });
      assert.deepEqual([set.orgName, set.orgUrl, set.annotationCreator], ['Example Desk', 'https://news.example.org/', 'key']);
      const unset = loadConfig({});
      assert.deepEqual([unset.orgName, unset.orgUrl, unset.annotationCreator], ['whosaid', undefined, 'organisation']);
    });

    it('refuses a URL that is not http(s) and an unknown creator mode, naming the variable', () => {
      assert.throws(
        () => loadConfig({ WHOSAID_ORG_URL: 'javascript:alert(1)' }),
        (e: Error) => e instanceof StartupError && /WHOSAID_ORG_URL/.test(e.message),
      );
      assert.throws(
        () => loadConfig({ WHOSAID_ANNOTATION_CREATOR: 'everyone' }),
        (e: Error) => e instanceof StartupError && /WHOSAID_ANNOTATION_CREATOR/.test(e.message),
      );
    });
  });
});
