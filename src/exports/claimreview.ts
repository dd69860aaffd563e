// schema.org ClaimReview (JSON-LD) for a claim with a verdict: https://schema.org/ClaimReview.
import type { AuditData } from '../audits/types.js';
import type { ClaimReviewJsonLd } from '../generated/schema-types.js';
import { rangeOf } from '../shared/partial-date.js';
import { idNamespace } from './iri.js';

// One scale for every verdict, 1 (false) to 5 (true). "misleading" sits with mostly false; "unproven"
// at the midpoint: the evidence neither shows nor refutes the claim.
export const RATINGS: Record<string, { value: number; name: string }> = {
  false: { value: 1, name: 'False' },
  mostly_false: { value: 2, name: 'Mostly false' },
  misleading: { value: 2, name: 'Misleading' },
  mixed: { value: 3, name: 'Mixed' },
  unproven: { value: 3, name: 'Unproven' },
  mostly_true: { value: 4, name: 'Mostly true' },
  true: { value: 5, name: 'True' },
};

export interface Verdict {
  rating: string;
  explanation?: string;
  reviewedBy?: string;
  reviewedOn?: string;
  url?: string;
}

/** Earliest first; a document with no known date comes after every dated one. */
function byPublication(a: { publishedOn: string | null; id: number }, b: { publishedOn: string | null; id: number }): number {
  const da = rangeOf(a.publishedOn)[0];
  const db = rangeOf(b.publishedOn)[0];
  if (da !== db) return da === null ? 1 : db === null ? -1 : da < db ? -1 : 1;
  return a.id - b.id;
}

export function claimReview(claim: { id: number; text: string }, verdict: Verdict, data: AuditData, iriBase: string): ClaimReviewJsonLd {
  const idBase = idNamespace(iriBase);
  const links = data.claims.get(claim.id)?.links ?? [];
  const supporting = links.filter((l) => l.stance === 'supports').map((l) => l.statementId);
  // Where the claim is made; a claim nobody is recorded as making appears where it is discussed.
  const statementIds = supporting.length > 0 ? supporting : links.map((l) => l.statementId);

  const docIds = new Set<number>();
  for (const id of statementIds) for (const h of data.hopsByStatement.get(id) ?? []) if (h.documentId !== null) docIds.add(h.documentId);
  const docs = [...docIds]
    .map((id) => data.documents.get(id)!)
    .filter(Boolean)
    .sort(byPublication);
  const appearance = docs.map((d) => {
    const outlet = data.actors.get(d.outletId);
    return strip({
      '@type': outlet?.kind === 'outlet' ? 'NewsArticle' : 'CreativeWork',
      '@id': `${idBase}document/${d.id}`,
      url: d.url,
      headline: d.title,
      datePublished: d.publishedOn,
      publisher: outlet ? { '@type': 'Organization', name: outlet.name ?? outlet.description ?? `actor ${outlet.id}` } : null,
    });
  });

  const speakerIds = [...new Set(statementIds.map((id) => data.statements.get(id)?.speakerId).filter((x): x is number => x !== undefined))];
  const authors = speakerIds
    .map((id) => data.actors.get(id)!)
    .filter(Boolean)
    .map((a) =>
      strip({
        '@type': a.kind === 'person' ? 'Person' : 'Organization',
        name: a.name ?? (a.identityStatus === 'anonymous' ? `anonymous source: ${a.description}` : `unidentified: ${a.description}`),
        description: a.name ? a.description : null,
      }),
    );

  const rating = RATINGS[verdict.rating] ?? { value: 3, name: verdict.rating };
  // Absent members are left out rather than null; claimreview.schema.json (tested) holds the shape.
  return strip({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    '@id': `${idBase}claim/${claim.id}/review`,
    url: verdict.url,
    claimReviewed: claim.text,
    datePublished: verdict.reviewedOn,
    author: verdict.reviewedBy ? { '@type': 'Organization', name: verdict.reviewedBy } : null,
    reviewRating: strip({
      '@type': 'Rating',
      ratingValue: rating.value,
      bestRating: 5,
      worstRating: 1,
      alternateName: rating.name,
      ratingExplanation: verdict.explanation,
    }),
    itemReviewed: strip({
      '@type': 'Claim',
      '@id': `${idBase}claim/${claim.id}`,
      text: claim.text,
      author: authors,
      appearance,
      firstAppearance: appearance[0] ?? null,
    }),
  }) as unknown as ClaimReviewJsonLd;
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}
