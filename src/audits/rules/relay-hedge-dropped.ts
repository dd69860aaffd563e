import type { Hedge } from '../../generated/schema-types.js';
import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, makeFinding, quoteOf, relayRef, statementRef } from './finding.js';

// From no distance at all to the most: a later hop must not move down this scale.
export const HEDGE_RANK: Record<Hedge, number> = { stated_as_fact: 0, said: 1, reported: 2, claimed: 3, alleged: 4 };
const rankOf = (hedge: string) => HEDGE_RANK[hedge as Hedge] ?? 0;
const words = (h: string) => (h === 'stated_as_fact' ? 'stated as fact' : `“${h}”`);

export const relayHedgeDropped: Rule = {
  id: 'RELAY-HEDGE-DROPPED',
  title: 'A hop drops or weakens the hedge of the hop before it',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'hops',
  check(data) {
    return [...data.inScope.hops]
      .sort((a, b) => a - b)
      .flatMap((hopId) => {
        const h = data.hops.get(hopId);
        const before = h?.viaRelayId != null ? data.hops.get(h.viaRelayId) : undefined;
        if (!h || !before || rankOf(h.hedge) >= rankOf(before.hedge)) return [];
        const dropped = h.hedge === 'stated_as_fact';
        return [
          makeFinding(this, data, {
            records: [relayRef(h.id), relayRef(before.id), statementRef(h.statementId)],
            severity: dropped ? 'error' : 'warning',
            message: `${actorLabel(data, before.relayedById)} had ${quoteOf(data.statements.get(h.statementId)?.text ?? '')} as ${words(before.hedge)}; ${actorLabel(data, h.relayedById)} ${dropped ? 'states it as fact' : `weakens that to ${words(h.hedge)}`}. Unverified material must stay attributed as it was.`,
            evidence: { relayId: h.id, previousRelayId: before.id, previousHedge: before.hedge, hedge: h.hedge },
          }),
        ];
      });
  },
};
