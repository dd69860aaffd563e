import type { AuditRouteGrouping } from '../../generated/schema-types.js';
import { independenceOf } from '../independence.js';
import type { Rule } from '../types.js';
import { claimRef, makeFinding, statementRef } from './finding.js';
import { POLICIES } from './policies.js';

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** "through the Reuters report", "first-hand in the same story", "from the same speaker". */
function why(g: AuditRouteGrouping): string {
  if (g.reason === 'sharedHop') return `went through ${g.on.type === 'document' ? `“${g.on.label}”` : g.on.label}`;
  if (g.reason === 'sameDocument') return `are first-hand in “${g.on.label}”`;
  return `were said by ${g.on.label}`;
}

export const independentRoutes: Rule = {
  id: 'INDEPENDENT-ROUTES',
  title: 'A claim’s support counted twice: statements on the same route',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'claims',
  check(data) {
    return data.inScope.claims.flatMap((claimId) => {
      if (!data.claims.has(claimId)) return [];
      const ind = independenceOf(data, claimId);
      if (ind.independentRoutes >= ind.supportingStatements) return [];
      const collapsed = ind.routes.filter((r) => r.statementIds.length > 1);
      const reasons = collapsed.map(
        (r) =>
          `${plural(r.statementIds.length, 'statement')} (${r.grouping.map((g) => `${plural(g.statementIds.length, 'statement')} ${why(g)}`).join('; ')})`,
      );
      return [
        makeFinding(this, data, {
          records: [claimRef(claimId), ...collapsed.flatMap((r) => r.statementIds.map(statementRef))],
          message: `“${ind.text}” has ${plural(ind.supportingStatements, 'supporting statement')} from ${plural(ind.speakers, 'speaker')} but only ${plural(ind.independentRoutes, 'independent route')}: ${reasons.join(', ')}. Corroboration must be independent.`,
          evidence: {
            claimId,
            supportingStatements: ind.supportingStatements,
            speakers: ind.speakers,
            independentRoutes: ind.independentRoutes,
            routes: ind.routes,
          },
        }),
      ];
    });
  },
};
