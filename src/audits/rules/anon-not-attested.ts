import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, actorRef, anonymousActorsInScope, makeFinding, statementRef, statementsOfActor } from './finding.js';

// Reads only whether an attestation exists: its content is confidential and never reaches a report.
export const anonNotAttested: Rule = {
  id: 'ANON-NOT-ATTESTED',
  title: 'No editor attests knowing the identity of an anonymous source',
  severity: 'error',
  policy: POLICIES.apAnonymous,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data)
      .filter((a) => !a.attested)
      .map((a) =>
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statementsOfActor(data, a.id).map(statementRef)],
          message: `No editor has attested knowing the identity of ${actorLabel(data, a.id)}. At least one editor must know who an anonymous source is.`,
          evidence: { actorId: a.id, attested: false },
        }),
      );
  },
};
