// schema.org ClaimReview (JSON-LD) for a claim with a verdict: https://schema.org/ClaimReview, with the
// fields Google's fact-check markup requires (claimReviewed, reviewRating, url) and recommends (author,
// datePublished, itemReviewed with its author, datePublished and appearances).
import type { AuditActor, AuditData } from '../audits/types.js';
import type { ClaimReviewJsonLd } from '../generated/schema-types.js';
import type { Organisation } from '../shared/organisation.js';
import { rangeOf } from '../shared/partial-date.js';
import { idNamespace } from './iri.js';
import { documentId } from './prov.js';

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

/** Where the review's IRIs point: record ids in the id namespace, and the API resource serving the review. */
function irisOf(iriBase: string) {
  const ns = idNamespace(iriBase);
  return {
    // Named like the PROV identifiers (type-N), so every record has one IRI shape in every export.
    claim: (id: number) => `${ns}claim-${id}`,
    review: (claimId: number) => `${ns}claim-${claimId}-review`,
    // The IRI the PROV export gives the same document (whosaid:document-N): one record, one IRI.
    document: (id: number) => documentId(id).replace(/^whosaid:/, ns),
    /** The review's `url` when the verdict names no published article. */
    reviewUrl: (claimId: number) => `${iriBase}/v1/claims/${claimId}/claimreview`,
  };
}

export interface ClaimReviewClaim {
  id: number;
  text: string;
  /** When the claim (and so its verdict) last changed: the review's date when the verdict gives none. */
  updatedAt: string;
}

/** Earliest first; no date sorts after every date. */
function byDate(a: string | null | undefined, b: string | null | undefined): number {
  const da = rangeOf(a)[0];
  const db = rangeOf(b)[0];
  return da === db ? 0 : da === null ? 1 : db === null ? -1 : da < db ? -1 : 1;
}

/**
 * Who a reader may be told said it: a named actor by name; an anonymous or unidentified one only by the
 * descriptor the reporting gives (never a name, affiliation or anything an editor holds).
 */
function speaker(a: AuditActor): Record<string, unknown> {
  const type = a.kind === 'person' ? 'Person' : 'Organization';
  if (a.identityStatus === 'named' && a.name) return { '@type': type, name: a.name, description: a.description };
  if (a.identityStatus === 'anonymous')
    return { '@type': type, name: a.description ? `anonymous source: ${a.description}` : 'an anonymous source' };
  return { '@type': type, name: a.description ? `unidentified: ${a.description}` : 'an unidentified speaker' };
}

export function claimReview(
  claim: ClaimReviewClaim,
  verdict: Verdict,
  data: AuditData,
  iriBase: string,
  org: Organisation,
): ClaimReviewJsonLd {
  const iris = irisOf(iriBase);
  const links = data.claims.get(claim.id)?.links ?? [];
  // Who makes the claim: the statements supporting it. A claim nobody is recorded as making has no
  // author; it appears where it is discussed (denied, disputed).
  const making = links.filter((l) => l.stance === 'supports').map((l) => l.statementId);
  const appearing = making.length > 0 ? making : links.map((l) => l.statementId);

  const docIds = new Set<number>();
  for (const id of appearing) for (const h of data.hopsByStatement.get(id) ?? []) if (h.documentId !== null) docIds.add(h.documentId);
  const docs = [...docIds]
    .map((id) => data.documents.get(id))
    .filter((d) => d !== undefined)
    .sort((a, b) => byDate(a.publishedOn, b.publishedOn) || a.id - b.id);
  const appearance = docs.map((d) => {
    const outlet = data.actors.get(d.outletId);
    return {
      '@type': outlet?.kind === 'outlet' ? 'NewsArticle' : 'CreativeWork',
      '@id': iris.document(d.id),
      url: d.url,
      headline: d.title,
      datePublished: d.publishedOn,
      publisher: outlet ? { '@type': 'Organization', name: speaker(outlet).name } : null,
    };
  });

  const statements = making.map((id) => data.statements.get(id)).filter((s) => s !== undefined);
  const authors = [...new Set(statements.map((s) => s.speakerId))]
    .map((id) => data.actors.get(id))
    .filter((a) => a !== undefined)
    .map(speaker);
  // When the claim was made: its earliest recorded statement; else when it first appeared in print.
  const said = statements
    .map((s) => s.saidOn)
    .filter((d) => d !== null)
    .sort(byDate)[0];

  const rating = RATINGS[verdict.rating] ?? { value: 3, name: verdict.rating };
  return prune({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    '@id': iris.review(claim.id),
    url: verdict.url ?? iris.reviewUrl(claim.id),
    claimReviewed: claim.text,
    datePublished: verdict.reviewedOn ?? claim.updatedAt.slice(0, 10),
    // The review's author is the desk the verdict names, else the organisation publishing this instance.
    author: { '@type': 'Organization', name: verdict.reviewedBy ?? org.name, url: org.url },
    reviewRating: {
      '@type': 'Rating',
      ratingValue: rating.value,
      bestRating: 5,
      worstRating: 1,
      alternateName: rating.name,
      ratingExplanation: verdict.explanation,
    },
    itemReviewed: {
      '@type': 'Claim',
      '@id': iris.claim(claim.id),
      text: claim.text,
      datePublished: said ?? appearance[0]?.datePublished,
      author: authors,
      appearance,
      firstAppearance: appearance[0],
    },
  }) as unknown as ClaimReviewJsonLd;
}

/** Leaves out what is unknown: null and undefined members, and the arrays and objects left empty. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  const entries = Object.entries(value)
    .map(([k, v]) => [k, prune(v)] as const)
    .filter(([, v]) => v !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
