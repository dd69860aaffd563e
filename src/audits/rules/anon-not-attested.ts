import type { Rule } from '../types.js';
import { actorLabel, actorRef, anonymousActorsInScope, makeFinding, statementRef, statementsOfActor } from './finding.js';
import { POLICIES } from './policies.js';
import { isOwnSource } from './reliance.js';

// Reads only whether an attestation exists: its content is confidential and never reaches a report.
// Only an outlet's own sources can be vouched for by its editors: a source another outlet had first-hand
// is ANON-RELAYED's.
export const anonNotAttested: Rule = {
  id: 'ANON-NOT-ATTESTED',
  title: 'No editor attests knowing the identity of an anonymous source',
  severity: 'error',
  policy: POLICIES.apAnonymous,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data)
      .filter((a) => !a.attested && isOwnSource(data, a.id))
      .map((a) =>
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statementsOfActor(data, a.id).map(statementRef)],
          message: `No editor has attested knowing the identity of ${actorLabel(data, a.id)}. At least one editor must know who an anonymous source is.`,
          evidence: { actorId: a.id, attested: false },
        }),
      );
  },
};
