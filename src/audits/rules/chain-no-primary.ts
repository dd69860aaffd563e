import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, makeFinding, quoteOf, relayRef, statementRef } from './finding.js';

// Only a hop with no earlier hop can be first-hand, so a chain has a primary source exactly when its
// first hop is first-hand. A statement with no hop at all has no recorded route from its speaker.
export const chainNoPrimary: Rule = {
  id: 'CHAIN-NO-PRIMARY',
  title: 'No hop in a chain is first-hand from the speaker',
  severity: 'warning',
  policy: POLICIES.provPrimarySource,
  target: 'statements',
  check(data) {
    return data.inScope.statements.flatMap((id) => {
      const s = data.statements.get(id);
      if (!s) return [];
      const hops = (data.hopsByStatement.get(id) ?? []).filter((h) => data.inScope.hops.has(h.id));
      const roots = hops.filter((h) => h.viaRelayId === null);
      const secondHand = roots.filter((h) => !h.firstHand);
      if (hops.length > 0 && secondHand.length === 0) return [];
      return [
        makeFinding(this, data, {
          records: [statementRef(s.id), ...secondHand.map((h) => relayRef(h.id))],
          message:
            hops.length === 0
              ? `${quoteOf(s.text)} (${actorLabel(data, s.speakerId)}) has no recorded hop: nothing shows how it reached anyone from its speaker.`
              : `No hop in ${secondHand.length === 1 ? 'the chain' : `${secondHand.length} chains`} of ${quoteOf(s.text)} (${actorLabel(data, s.speakerId)}) is first-hand: the earliest hop, by ${secondHand.map((h) => actorLabel(data, h.relayedById)).join(', ')}, did not have it from the speaker.`,
          evidence: { statementId: s.id, hops: hops.length, chainsWithoutPrimary: secondHand.map((h) => h.id) },
        }),
      ];
    });
  },
};
