import type { Rule } from '../types.js';
import { independenceOf } from '../independence.js';
import { POLICIES } from './policies.js';
import { claimRef, makeFinding, statementRef } from './finding.js';

export const independentRoutes: Rule = {
  id: 'INDEPENDENT-ROUTES',
  title: 'A claim’s support counted twice: statements that share an upstream hop',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'claims',
  check(data) {
    return data.inScope.claims.flatMap((claimId) => {
      if (!data.claims.has(claimId)) return [];
      const ind = independenceOf(data, claimId);
      if (ind.independentRoutes >= ind.supportingStatements) return [];
      const collapsed = ind.routes.filter((r) => r.statementIds.length > 1);
      const via = [...new Set(collapsed.flatMap((r) => r.sharedUpstream.map((u) => u.label)))];
      const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
      return [
        makeFinding(this, data, {
          records: [claimRef(claimId), ...collapsed.flatMap((r) => r.statementIds.map(statementRef))],
          message: `“${ind.text}” has ${plural(ind.supportingStatements, 'supporting statement')} from ${plural(ind.speakers, 'speaker')} but only ${plural(ind.independentRoutes, 'independent route')}: ${collapsed.map((r) => plural(r.statementIds.length, 'statement')).join(', ')} reached the reader through the same upstream hop (${via.join('; ')}). Corroboration must be independent.`,
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
