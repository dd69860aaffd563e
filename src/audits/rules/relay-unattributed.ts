import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, hopRefs, hopsInScope, makeFinding, quoteOf } from './finding.js';

export const relayUnattributed: Rule = {
  id: 'RELAY-UNATTRIBUTED',
  title: 'A hop that does not say where it had the statement from',
  severity: 'warning',
  policy: POLICIES.apCrediting,
  target: 'hops',
  check(data) {
    return hopsInScope(data).flatMap((h) => {
      const reasons: string[] = [];
      if (!h.cue?.trim()) reasons.push('no-cue');
      if (!h.firstHand && h.viaRelayId === null) reasons.push('earlier-hop-unknown');
      if (reasons.length === 0) return [];
      const s = data.statements.get(h.statementId);
      const parts = [
        reasons.includes('no-cue') ? 'with no cue saying where it came from' : null,
        reasons.includes('earlier-hop-unknown') ? 'although it did not have it first-hand, and no earlier hop is recorded' : null,
      ].filter(Boolean);
      return [
        makeFinding(this, data, {
          records: hopRefs(h),
          message: `${actorLabel(data, h.relayedById)} relays ${quoteOf(s?.text ?? '')} (${s ? actorLabel(data, s.speakerId) : 'unknown speaker'}) ${parts.join(', ')}. Attribute what was not confirmed first-hand.`,
          evidence: { relayId: h.id, cue: h.cue, firstHand: h.firstHand, viaRelayId: h.viaRelayId, reasons },
        }),
      ];
    });
  },
};
