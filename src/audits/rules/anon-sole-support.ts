import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, claimRef, makeFinding, statementRef } from './finding.js';

// Unidentified speakers count with anonymous ones: neither can be held to what they said.
export const anonSoleSupport: Rule = {
  id: 'ANON-SOLE-SUPPORT',
  title: 'A claim supported only by anonymous or unidentified speakers',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'claims',
  check(data) {
    return data.inScope.claims.flatMap((claimId) => {
      const claim = data.claims.get(claimId);
      if (!claim) return [];
      const supporting = claim.links
        .filter((l) => l.stance === 'supports')
        .map((l) => data.statements.get(l.statementId))
        .filter((s) => s !== undefined);
      if (supporting.length === 0) return [];
      const speakers = [...new Set(supporting.map((s) => s!.speakerId))];
      const statuses = speakers.map((id) => data.actors.get(id)?.identityStatus);
      if (statuses.some((st) => st === 'named' || st === undefined)) return [];
      const single = speakers.length === 1;
      return [
        makeFinding(this, data, {
          records: [claimRef(claim.id), ...supporting.map((s) => statementRef(s!.id))],
          severity: single ? 'error' : 'warning',
          message: single
            ? `“${claim.text}” rests on a single source who is not named (${actorLabel(data, speakers[0])}). A single unnamed source for an allegation needs senior editorial approval.`
            : `“${claim.text}” is supported only by sources who are not named: ${speakers.map((id) => actorLabel(data, id)).join('; ')}. No named, on-the-record source supports it.`,
          evidence: {
            claimId: claim.id,
            supportingStatementIds: supporting.map((s) => s!.id),
            speakerIds: speakers,
            speakerStatuses: statuses,
            singleSource: single,
          },
        }),
      ];
    });
  },
};
