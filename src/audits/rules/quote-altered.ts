import { CodePointText, reanchor } from '../../tags/anchoring.js';
import type { Policy, Rule } from '../types.js';
import { actorLabel, hopRefs, hopsInScope, makeFinding, quoteOf } from './finding.js';

const AP_QUOTES: Policy = {
  name: 'AP News Values and Principles: quotations',
  url: 'https://www.ap.org/about/news-values-and-principles/',
};

// Typography a page may change without changing the words: curly quotes, dashes, ellipses, spacing, case.
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .trim();
}

/** The words of a quote, without the punctuation around them that a page may move ("… Iran." / "… Iran," she said). */
const words = (text: string) => fold(text).replace(/^[\s"'.,;:!?-]+|[\s"'.,;:!?-]+$/g, '');

// The closest passage the page prints, when one is close enough to be the quote rewritten.
const MIN_SIMILARITY = 0.5;

export const quoteAltered: Rule = {
  id: 'QUOTE-ALTERED',
  title: 'A verbatim quote whose words the page no longer prints exactly',
  severity: 'warning',
  policy: AP_QUOTES,
  target: 'hops',
  check(data) {
    const misses = new Map(data.verbatimMisses.map((m) => [m.hopId, m]));
    return hopsInScope(data).flatMap((h) => {
      const s = data.statements.get(h.statementId);
      if (!s || h.documentId === null) return [];
      const title = data.documents.get(h.documentId)?.title ?? `document ${h.documentId}`;
      const fuzzy =
        s.textForm === 'quote'
          ? data.tags.find(
              (t) =>
                t.status === 'fuzzy' &&
                (t.relayId === h.id || (t.relayId === null && t.statementId === s.id && t.documentId === h.documentId)),
            )
          : undefined;
      let printed: string | null = null;
      let reason: string;
      const extra: Record<string, unknown> = {};
      if (fuzzy) {
        reason = 'tag-fuzzy';
        printed = fuzzy.exact;
        Object.assign(extra, { tagId: fuzzy.id, taggedAs: fuzzy.quote ?? null, similarity: fuzzy.score ?? null });
      } else {
        const miss = misses.get(h.id);
        if (!miss || fold(miss.body).includes(words(s.text))) return [];
        reason = 'not-in-body';
        const found = reanchor({ start: null, end: null, exact: s.text, prefix: '', suffix: '' }, new CodePointText(miss.body), {
          minScore: MIN_SIMILARITY,
        });
        printed = found.status === 'orphaned' ? null : found.exact;
        Object.assign(extra, { similarity: found.status === 'orphaned' ? null : Math.round(found.score * 10000) / 10000 });
      }
      return [
        makeFinding(this, data, {
          records: hopRefs(h),
          message: `${actorLabel(data, h.relayedById)} relays ${quoteOf(s.text, 120)} (${actorLabel(data, s.speakerId)}) as said verbatim, but “${title}” ${printed === null ? 'does not print those words' : `prints ${quoteOf(printed, 120)}`}. A quote is the speaker's exact words or it is a paraphrase: restore the words or record the hop as a paraphrase.`,
          evidence: { relayId: h.id, statementId: s.id, documentId: h.documentId, reason, recorded: s.text, printed, ...extra },
        }),
      ];
    });
  },
};
