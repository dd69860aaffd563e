import type { Rule } from '../types.js';
import { actorLabel, actorRef, anonymousActorsInScope, makeFinding, relayRef, statementRef } from './finding.js';
import { POLICIES } from './policies.js';
import { reliedOnElsewhere } from './reliance.js';

const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);
const names = (data: Parameters<Rule['check']>[0], ids: number[]) => ids.map((id) => actorLabel(data, id)).join(', ');

export const anonRelayed: Rule = {
  id: 'ANON-RELAYED',
  title: 'An outlet relies on anonymous sources that another outlet had first-hand',
  severity: 'info',
  policy: POLICIES.reutersSourcing,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data).flatMap((a) => {
      const relied = reliedOnElsewhere(data, a.id);
      if (relied.length === 0) return [];
      const relayers = sorted(relied.map((r) => r.hop.relayedById));
      const holders = sorted(relied.map((r) => r.holder.relayedById));
      const statements = sorted(relied.map((r) => r.hop.statementId));
      const relays = sorted(relied.map((r) => r.hop.id));
      return [
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statements.map(statementRef), ...relays.map(relayRef)],
          message: `${names(data, relayers)} ${relayers.length === 1 ? 'relies' : 'rely'} on ${actorLabel(data, a.id)}, whom ${names(data, holders)} had first-hand: no editor of ${relayers.length === 1 ? 'its' : 'their'} own can know who the source is. Attribute the material to ${names(data, holders)} and weigh it as ${holders.length === 1 ? 'that outlet’s' : 'those outlets’'} sourcing.`,
          evidence: {
            actorId: a.id,
            reliedOnBy: relayers,
            firstHandTo: holders,
            relayIds: relays,
            firstHandRelayIds: sorted(relied.map((r) => r.holder.id)),
            statementIds: statements,
          },
        }),
      ];
    });
  },
};
