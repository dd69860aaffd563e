import assert from 'node:assert/strict';
import { demoId, demoIds, makeTestApp, schemaRegistry, type TestApp } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';
/** A PROV-JSON record: its attributes by qualified name. */
type ProvRecord = Record<string, unknown>;
import type { ClaimAppearance } from '../src/generated/schema-types.js';

// The W3C schema itself is checked by `npm run test:conformance`; here, the shape PROV-JSON requires.
const PROV_KEYS = new Set([
  'prefix',
  'entity',
  'activity',
  'agent',
  'wasGeneratedBy',
  'used',
  'wasInformedBy',
  'wasStartedBy',
  'wasEndedby',
  'wasInvalidatedBy',
  'wasDerivedFrom',
  'wasAttributedTo',
  'wasAssociatedWith',
  'actedOnBehalfOf',
  'wasInfluencedBy',
  'alternateOf',
  'specializationOf',
  'hadMember',
  'bundle',
]);

/** Our own JSON Schema of the ClaimReview shape (schemas/claim-review.schema.json). */
function assertClaimReview(review: unknown): void {
  const v = schemaRegistry().validator('claim-review');
  assert.ok(v(review), JSON.stringify(v.errors));
}

describe('exports', () => {
  describe('GET /v1/exports/prov', () => {
    let t: TestApp;
    let id: (type: string, key: string) => number;
    const qn = (type: string, key: string) => `whosaid:${type}-${id(type, key)}`;
    before(async () => {
      t = await makeTestApp({ demo: true });
      id = await demoIds(t.db);
    });
    const assertProv = (doc: Record<string, unknown>) => {
      for (const key of Object.keys(doc)) assert.ok(PROV_KEYS.has(key), `not a PROV-JSON key: ${key}`);
      const prefixes = doc.prefix as Record<string, string>;
      for (const section of Object.values(doc)) {
        for (const id of Object.keys(section as object))
          if (section !== prefixes && !id.startsWith('_:')) assert.ok(id.split(':')[0] in prefixes, `undeclared prefix in ${id}`);
      }
    };

    it('exports a document as PROV-JSON that validates against the W3C schema', async () => {
      const res = await t.http.get(`/v1/exports/prov?documentId=${id('document', 'telegraph-article')}`).expect(200);
      assert.match(res.headers['content-type'], /^application\/json/);
      const doc = res.body;
      assertProv(doc);
      assert.deepEqual(doc.prefix, { whosaid: 'http://localhost:3000/id/' });

      // Actors as agents; acting-for as delegation.
      assert.deepEqual(doc.agent[qn('actor', 'peskov')]['prov:type'], { $: 'prov:Person', type: 'xsd:QName' });
      assert.equal(doc.agent[qn('actor', 'source-3')]['prov:label'], 'a senior security official');
      const delegations = Object.values<ProvRecord>(doc.actedOnBehalfOf);
      assert.ok(delegations.some((d) => d['prov:delegate'] === qn('actor', 'peskov') && d['prov:responsible'] === qn('actor', 'kremlin')));
      assert.ok(
        delegations.some((d) => d['prov:delegate'] === qn('actor', 'amaq') && d['prov:responsible'] === qn('actor', 'islamic-state')),
      );

      // Statements and documents as entities; speaking as attribution.
      assert.equal(doc.entity[qn('statement', 'peskov-no-comment')]['prov:value'], 'I do not know anything about this.');
      assert.ok(doc.entity[qn('document', 'telegraph-article')]);
      assert.ok(doc.entity[qn('document', 'reuters-report')], 'the upstream document is part of the chain');
      const attributions = Object.values<ProvRecord>(doc.wasAttributedTo);
      assert.ok(attributions.some((a) => a['prov:entity'] === qn('statement', 'tipoff') && a['prov:agent'] === qn('actor', 'source-1')));

      // Hops as derivations: quotation when verbatim, primary source when first-hand.
      const derivation = (relay: string) =>
        Object.values<ProvRecord>(doc.wasDerivedFrom).find((d) => d['prov:generatedEntity'] === qn('relay', relay))!;
      const types = (d: ProvRecord) => [d['prov:type'] ?? []].flat().map((x) => (x as { $: string }).$);
      assert.equal(derivation('tipoff-reuters')['prov:usedEntity'], qn('statement', 'tipoff'));
      assert.deepEqual(types(derivation('tipoff-reuters')), ['prov:Quotation', 'prov:PrimarySource']);
      assert.equal(derivation('tipoff-telegraph')['prov:usedEntity'], qn('relay', 'tipoff-reuters'));
      assert.deepEqual(types(derivation('tipoff-telegraph')), ['prov:Quotation']);
      assert.deepEqual(types(derivation('lacked-telegraph')), [], 'a paraphrase is a plain derivation');
      assert.deepEqual(types(derivation('us-warning-telegraph')), [], 'not first-hand, not verbatim');
      // A hop that appeared in a document is a member of it.
      assert.ok(
        Object.values<ProvRecord>(doc.hadMember).some(
          (m) => m['prov:collection'] === qn('document', 'telegraph-article') && m['prov:entity'] === qn('relay', 'tipoff-telegraph'),
        ),
      );
    });

    it('exports a claim, and everything (streamed), both valid', async () => {
      const claim = (await t.http.get(`/v1/exports/prov?claimId=${id('claim', 'iran-warned-russia')}`).expect(200)).body;
      assertProv(claim);
      assert.deepEqual(
        Object.keys(claim.entity)
          .filter((k) => k.startsWith('whosaid:statement-'))
          .sort(),
        ['tipoff', 'lacked-details', 'obligation', 'peskov-no-comment'].map((k) => qn('statement', k)).sort(),
      );
      const res = await t.http.get('/v1/exports/prov').expect(200);
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      const all = JSON.parse(res.text);
      assertProv(all);
      assert.equal(Object.keys(all.agent).length, 16);
      assert.equal(Object.keys(all.entity).filter((k) => k.startsWith('whosaid:statement-')).length, 13);
      assert.equal(
        Object.keys(all.wasDerivedFrom).length,
        ((await t.db.queryFirst('SELECT count(*) AS n FROM relays')) as { n: number }).n,
      );
    });

    it('never carries attestation content or confidential notes', async () => {
      const t2 = await makeTestApp({ demo: true });
      await t2.http
        .patch(`/v1/actors/${await demoId(t2.db, 'actor', 'source-3')}`)
        .send({ attestation: { by: 'desk chief', note: 'Colonel K.' }, confidentialNotes: 'meets at the café' })
        .expect(200);
      for (const url of ['/v1/exports/prov', `/v1/exports/prov?documentId=${await demoId(t2.db, 'document', 'telegraph-article')}`]) {
        const text = (await t2.http.get(url).expect(200)).text;
        for (const secret of ['Colonel K.', 'desk chief', 'café']) assert.ok(!text.includes(secret), `${url} leaks ${secret}`);
      }
    });

    it('serves a file with ?download=1; 400 for both filters, 404 for unknown records', async () => {
      const res = await t.http.get(`/v1/exports/prov?documentId=${id('document', 'reuters-report')}&download=1`).expect(200);
      assert.match(res.headers['content-disposition'], /^attachment; filename="?whosaid-prov-document-\d+\.json"?$/);
      assertProv(res.body);
      expectProblem(await t.http.get('/v1/exports/prov?documentId=1&claimId=1'), 400);
      expectProblem(await t.http.get('/v1/exports/prov?documentId=999'), 404);
      expectProblem(await t.http.get('/v1/exports/prov?claimId=999'), 404);
      expectProblem(await t.http.get('/v1/exports/prov?statementId=1'), 400);
    });
  });

  describe('GET /v1/claims/:id/claimreview', () => {
    it('gives schema.org ClaimReview JSON-LD for a claim with a verdict', async () => {
      const t = await makeTestApp({ demo: true });
      const claim = await demoId(t.db, 'claim', 'ukraine-west-organised');
      const res = await t.http.get(`/v1/claims/${claim}/claimreview`).expect(200);
      assert.match(res.headers['content-type'], /^application\/ld\+json/);
      const review = res.body;
      assertClaimReview(review);
      assert.equal(review['@context'], 'https://schema.org');
      assert.equal(review['@type'], 'ClaimReview');
      assert.equal(review.claimReviewed, 'Ukraine and the West organised the attack');
      // The desk the verdict names, at the organisation's address (WHOSAID_ORG_URL, else the public base).
      assert.deepEqual(review.author, { '@type': 'Organization', name: 'whosaid demo desk', url: 'http://localhost:3000/' });
      assert.equal(review.datePublished, '2024-04-30');
      assert.deepEqual(review.reviewRating, {
        '@type': 'Rating',
        ratingValue: 3,
        bestRating: 5,
        worstRating: 1,
        alternateName: 'Unproven',
        ratingExplanation:
          'Asserted by Russia and by Vladimir Putin; the reporting offers no evidence for it, and Islamic State claimed the attack.',
      });
      assert.equal(review.itemReviewed['@type'], 'Claim');
      assert.deepEqual(
        review.itemReviewed.author.map((a: { name: string }) => a.name),
        ['Vladimir Putin', 'Russia'],
      );
      assert.deepEqual(
        review.itemReviewed.appearance.map((a: ClaimAppearance) => a.headline),
        ['Iran ‘warned Russia about terror threat’ before Crocus City massacre'],
      );
      assert.deepEqual(review.itemReviewed.firstAppearance, review.itemReviewed.appearance[0]);
      assert.deepEqual(review.itemReviewed.appearance[0].publisher, { '@type': 'Organization', name: 'The Telegraph' });
    });

    it('lists appearances earliest first, and names anonymous speakers by their description', async () => {
      const t = await makeTestApp({ demo: true });
      const claim = await demoId(t.db, 'claim', 'iran-warned-russia');
      await t.http
        .patch(`/v1/claims/${claim}`)
        .send({ verdict: { rating: 'mostly_true', reviewedBy: 'desk', reviewedOn: '2024-05-01' } })
        .expect(200);
      await t.http
        .patch(`/v1/documents/${await demoId(t.db, 'document', 'reuters-report')}`)
        .send({ publishedOn: '2024-04-03' })
        .expect(200);
      await t.http
        .patch(`/v1/documents/${await demoId(t.db, 'document', 'telegraph-article')}`)
        .send({ publishedOn: '2024-04-02' })
        .expect(200);
      const review = (await t.http.get(`/v1/claims/${claim}/claimreview`).expect(200)).body;
      assertClaimReview(review);
      assert.equal(review.reviewRating.ratingValue, 4);
      assert.equal(review.reviewRating.alternateName, 'Mostly true');
      assert.deepEqual(
        review.itemReviewed.appearance.map((a: ClaimAppearance) => a.datePublished),
        ['2024-04-02', '2024-04-03'],
      );
      assert.equal(review.itemReviewed.firstAppearance.headline, 'Iran ‘warned Russia about terror threat’ before Crocus City massacre');
      assert.ok(review.itemReviewed.author.some((a: { name: string }) => a.name === 'anonymous source: a senior security official'));
    });

    it('409s (no-verdict) for a claim without a verdict, 404s for an unknown one', async () => {
      const t = await makeTestApp({ demo: true });
      expectProblem(await t.http.get(`/v1/claims/${await demoId(t.db, 'claim', 'iran-warned-russia')}/claimreview`), 409, 'no-verdict');
      expectProblem(await t.http.get('/v1/claims/999/claimreview'), 404);
    });
  });
});
