import type { Rule } from '../types.js';
import { actorLabel, hopRefs, hopsInScope, makeFinding, quoteOf } from './finding.js';
import { POLICIES } from './policies.js';

// Words by which a cue gives a statement to someone ("Reuters reported", "according to the ministry",
// "a source told the paper"). A cue built on one of them attributes; "stated as fact" then contradicts it.
const ATTRIBUTING =
  /\b(?:according to|(?:said|says|say|saying|told|tells|telling|reported|reports|reporting|stated|states|claimed|claims|alleged|alleges|announced|confirmed|quoted|cited|wrote|writes|added|insisted|explained|asserted|maintained))\b/i;

export function attributingWord(cue: string): string | null {
  return ATTRIBUTING.exec(cue)?.[0] ?? null;
}

export const cueHedgeMismatch: Rule = {
  id: 'CUE-HEDGE-MISMATCH',
  title: 'A cue and a hedge that disagree about whether the statement is attributed',
  severity: 'warning',
  policy: POLICIES.apCrediting,
  target: 'hops',
  check(data) {
    return hopsInScope(data).flatMap((h) => {
      const cue = h.cue?.trim() ?? '';
      const word = cue ? attributingWord(cue) : null;
      const reason =
        word && h.hedge === 'stated_as_fact'
          ? 'attributing-cue-stated-as-fact'
          : !cue && h.hedge !== 'stated_as_fact'
            ? 'hedge-without-cue'
            : null;
      if (!reason) return [];
      const text = quoteOf(data.statements.get(h.statementId)?.text ?? '');
      const who = actorLabel(data, h.relayedById);
      return [
        makeFinding(this, data, {
          records: hopRefs(h),
          message:
            reason === 'attributing-cue-stated-as-fact'
              ? `${who} gives ${text} to someone (“${cue}”) yet the hop records it as stated as fact. Either the outlet vouches for it or it attributes it: record the hedge the text uses.`
              : `${who} relays ${text} hedged as “${h.hedge}” with no cue saying who ${h.hedge} it. A hedge needs a named source in the text.`,
          evidence: { relayId: h.id, cue: h.cue, hedge: h.hedge, reason, attributingWord: word },
        }),
      ];
    });
  },
};
