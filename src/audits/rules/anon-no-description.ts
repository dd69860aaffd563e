import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorRef, anonymousActorsInScope, makeFinding, statementRef, statementsOfActor } from './finding.js';

// Words that place a source: a position, an office or the kind of body they belong to. "one said",
// "a source", "a second source" name none of these.
const ROLE =
  /\b(?:officials?|officers?|spokes(?:man|woman|person|people|men|women)|ministers?|ministry|diplomats?|envoys?|ambassadors?|advis[eo]rs?|aides?|executives?|employees?|staff(?:ers?)?|analysts?|lawyers?|attorneys?|investigators?|prosecutors?|judges?|agents?|commanders?|generals?|soldiers?|police(?:man|woman)?|detectives?|members?|directors?|managers?|secretar(?:y|ies)|negotiators?|lawmakers?|legislators?|senators?|politicians?|bankers?|traders?|engineers?|doctors?|nurses?|scientists?|researchers?|insiders?|intelligence|security|military|government|administration|agency|department|council|committee|company|firm|representatives?|contractors?|consultants?|witness(?:es)?|residents?|relatives?|colleagues?|participants?|regulators?|auditors?|economists?|presidents?|chiefs?|heads?|leaders?|deputies|deputy|commissioners?|activists?|workers?|ceo|cfo|chair(?:man|woman|person)?|familiar with)\b/i;

export function rolesIn(description: string): string[] {
  return [...description.matchAll(new RegExp(ROLE.source, 'gi'))].map((m) => m[0].toLowerCase());
}

export const anonNoDescription: Rule = {
  id: 'ANON-NO-DESCRIPTION',
  title: 'Anonymous source without a description of role or affiliation',
  severity: 'warning',
  policy: POLICIES.apAnonymous,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data).flatMap((a) => {
      const description = a.description?.trim() ?? '';
      const affiliation = a.affiliation?.trim() ?? '';
      const roles = description ? rolesIn(description) : [];
      if (description && (affiliation || roles.length > 0)) return [];
      const statements = statementsOfActor(data, a.id);
      return [
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statements.map(statementRef)],
          message: description
            ? `Anonymous source “${description}” is described with no role or affiliation: a reader cannot judge what they would know. Describe the source as fully as possible without identifying them (their position, whom they work for).`
            : `Anonymous source ${a.id} has no description at all: never cite a bare “a source”.`,
          evidence: {
            actorId: a.id,
            description: a.description,
            affiliation: a.affiliation,
            rolesFound: roles,
            reason: description ? 'no-role-or-affiliation' : 'no-description',
          },
        }),
      ];
    });
  },
};
