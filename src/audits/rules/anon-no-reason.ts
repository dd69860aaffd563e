import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, actorRef, anonymousActorsInScope, makeFinding, statementRef, statementsOfActor } from './finding.js';

export const anonNoReason: Rule = {
  id: 'ANON-NO-REASON',
  title: 'No reason recorded for granting anonymity',
  severity: 'warning',
  policy: POLICIES.nytConfidential,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data)
      .filter((a) => !a.anonymityReason?.trim())
      .map((a) =>
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statementsOfActor(data, a.id).map(statementRef)],
          message: `No reason is recorded for granting anonymity to ${actorLabel(data, a.id)}. Readers should be told why the source could not be named.`,
          evidence: { actorId: a.id, anonymityReason: a.anonymityReason },
        }),
      );
  },
};
