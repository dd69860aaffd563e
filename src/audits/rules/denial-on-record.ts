import type { Policy, Rule } from '../types.js';
import { actorLabel, claimRef, makeFinding, quoteOf, statementRef } from './finding.js';

const BBC_FAIRNESS: Policy = {
  name: 'BBC Editorial Guidelines, section 6: Fairness, Contributors and Consent (right of reply)',
  url: 'https://www.bbc.co.uk/editorialguidelines/guidelines/fairness',
};

// Unnamed support against a named denial: the reader must be able to weigh the one against the other.
// Unidentified supporters count with anonymous ones, as in ANON-SOLE-SUPPORT; a refusal to comment or a
// dispute is listed in the claim's opposition but is not a denial.
export const denialOnRecord: Rule = {
  id: 'DENIAL-ON-RECORD',
  title: 'A claim supported only by unnamed sources and denied on the record by a named speaker',
  severity: 'info',
  policy: BBC_FAIRNESS,
  target: 'claims',
  check(data) {
    return data.inScope.claims.flatMap((claimId) => {
      const claim = data.claims.get(claimId);
      if (!claim) return [];
      const linked = (stance: string) =>
        claim.links
          .filter((l) => l.stance === stance)
          .map((l) => data.statements.get(l.statementId))
          .filter((s) => s !== undefined);
      const support = linked('supports');
      const denials = linked('denies').filter((s) => data.actors.get(s.speakerId)?.identityStatus === 'named');
      if (support.length === 0 || denials.length === 0) return [];
      if (
        support.some(
          (s) =>
            data.actors.get(s.speakerId)?.identityStatus !== 'anonymous' && data.actors.get(s.speakerId)?.identityStatus !== 'unidentified',
        )
      )
        return [];
      const supporters = [...new Set(support.map((s) => s.speakerId))];
      const deniers = [...new Set(denials.map((s) => s.speakerId))];
      return [
        makeFinding(this, data, {
          records: [claimRef(claim.id), ...denials.map((s) => statementRef(s.id)), ...support.map((s) => statementRef(s.id))],
          message: `“${claim.text}” is supported only by sources who are not named (${supporters.map((id) => actorLabel(data, id)).join('; ')}) and denied on the record by ${deniers.map((id) => actorLabel(data, id)).join(', ')}: ${denials.map((s) => quoteOf(s.text)).join('; ')}. Give the denial with the claim, as prominently, and say the support is anonymous.`,
          evidence: {
            claimId: claim.id,
            supportingStatementIds: support.map((s) => s.id),
            supportingSpeakerIds: supporters,
            denialStatementIds: denials.map((s) => s.id),
            deniedBy: deniers,
          },
        }),
      ];
    });
  },
};
