// Google's fact-check markup (developers.google.com/search/docs/appearance/structured-data/factcheck) as
// checks over a served ClaimReview: required claimReviewed, reviewRating (with alternateName, and
// ratingValue on its scale) and url; recommended author (name, url), datePublished and itemReviewed, a
// Claim with author, datePublished and appearance or firstAppearance. Used by test/claimreview.test.ts and
// the conformance runner.

export type JsonNode = Record<string, unknown>;

const ISO_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** What Google requires (or also recommends) that the review lacks, as JSON paths. */
export function googleGaps(review: JsonNode, level: 'required' | 'recommended'): string[] {
  const gaps: string[] = [];
  const need = (ok: unknown, path: string) => {
    if (!ok) gaps.push(path);
  };
  const rating = review.reviewRating as JsonNode | undefined;
  need(typeof review.claimReviewed === 'string' && review.claimReviewed, 'claimReviewed');
  need(typeof review.url === 'string' && URL.canParse(review.url), 'url');
  need(rating?.['@type'] === 'Rating', 'reviewRating');
  need(typeof rating?.alternateName === 'string', 'reviewRating.alternateName');
  const [value, best, worst] = [rating?.ratingValue, rating?.bestRating, rating?.worstRating] as number[];
  need(Number.isInteger(value) && worst <= value && value <= best, 'reviewRating.ratingValue within worstRating..bestRating');
  if (level === 'required') return gaps;
  const author = review.author as JsonNode | undefined;
  need(['Organization', 'Person'].includes(author?.['@type'] as string), 'author');
  need(typeof author?.name === 'string', 'author.name');
  need(typeof author?.url === 'string', 'author.url');
  need(ISO_DATE.test(review.datePublished as string), 'datePublished');
  const claim = review.itemReviewed as JsonNode | undefined;
  need(claim?.['@type'] === 'Claim', 'itemReviewed');
  const claimAuthors = [claim?.author ?? []].flat() as JsonNode[];
  need(claimAuthors.length > 0 && claimAuthors.every((a) => typeof a.name === 'string'), 'itemReviewed.author');
  need(ISO_DATE.test(claim?.datePublished as string), 'itemReviewed.datePublished');
  need(claim?.appearance ?? claim?.firstAppearance, 'itemReviewed.appearance or firstAppearance');
  return gaps;
}

/** Paths of every empty array, empty object and null in a JSON value. */
export function emptyMembers(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => emptyMembers(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyMembers(v, `${path}.${k}`));
  }
  return value === null ? [path] : [];
}
