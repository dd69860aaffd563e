import type { AuditData, AuditHop, Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, hopRefs, hopsInScope, makeFinding, quoteOf } from './finding.js';

const NUMBERS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  a_dozen: 12,
  both: 2,
  several: 2,
  multiple: 2,
  many: 2,
  some: 2,
  various: 2,
};
const SOURCE_NOUNS =
  'sources|officials|people|persons|diplomats|insiders|aides|advis[eo]rs|executives|employees|investigators|officers|spokespeople|representatives|lawmakers|analysts|witnesses|experts|members';
const PLURAL = new RegExp(`\\b(?:(\\d+|${Object.keys(NUMBERS).join('|')})\\s+(?:[\\p{L}-]+\\s+){0,3}?)?(${SOURCE_NOUNS})\\b`, 'giu');
// "one of three sources", "one of the officials": a single source out of several.
const ONE_OF = /\bone of\s+(?:the\s+)?$/i;

/** How many sources a cue speaks of, when it speaks of them in the plural; null otherwise. */
export function pluralCount(cue: string): { count: number; phrase: string } | null {
  for (const m of cue.matchAll(PLURAL)) {
    if (ONE_OF.test(cue.slice(0, m.index))) continue;
    const n = m[1] ? (/^\d+$/.test(m[1]) ? Number(m[1]) : NUMBERS[m[1].toLowerCase()]) : 2;
    if (n >= 2) return { count: n, phrase: m[0] };
  }
  return null;
}

/** Whom a hop had the statement from: the earlier hop's relayer, or the speaker for a root hop. */
export function immediateSource(data: AuditData, h: AuditHop): number | null {
  if (h.viaRelayId !== null) return data.hops.get(h.viaRelayId)?.relayedById ?? null;
  return data.statements.get(h.statementId)?.speakerId ?? null;
}

export const pluralCountRule: Rule = {
  id: 'PLURAL-COUNT',
  title: 'Sources cited in the plural with fewer recorded behind the cue',
  severity: 'warning',
  policy: POLICIES.reutersSourcing,
  target: 'hops',
  check(data) {
    return hopsInScope(data).flatMap((h) => {
      const plural = h?.cue ? pluralCount(h.cue) : null;
      if (!plural) return [];
      const own = immediateSource(data, h);
      // A plural cue about named speakers ("Putin and his advisers") is not a count of unnamed sources.
      if (own === null || data.actors.get(own)?.identityStatus === 'named') return [];
      const recorded = new Set<number>([own]);
      if (h.documentId !== null) {
        for (const s of data.documentSources) {
          if (s.documentId === h.documentId && s.relayerId === h.relayedById && s.sourceStatus !== 'named') recorded.add(s.sourceId);
        }
      }
      if (recorded.size >= plural.count) return [];
      return [
        makeFinding(this, data, {
          records: hopRefs(h),
          message: `${actorLabel(data, h.relayedById)} cites “${plural.phrase}” when relaying ${quoteOf(data.statements.get(h.statementId)?.text ?? '')}, but only ${recorded.size} unnamed ${recorded.size === 1 ? 'source is' : 'sources are'} recorded behind it${h.documentId !== null ? ' in that document' : ''}. Never cite sources in the plural when there is only one.`,
          evidence: {
            relayId: h.id,
            cue: h.cue,
            claimedCount: plural.count,
            recordedCount: recorded.size,
            recordedSourceIds: [...recorded].sort((a, b) => a - b),
            documentId: h.documentId,
          },
        }),
      ];
    });
  },
};
