import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, actorRef, anonymousActorsInScope, makeFinding, statementRef, statementsOfActor } from './finding.js';

// The rote formulas the 2010 NYT memo asks reporters to stop using, and their close relatives.
const BOILERPLATE: RegExp[] = [
  /\b(?:requested|asked for|insisted on|demanded|sought|granted|was granted|given) (?:anonymity|not to be (?:named|identified))\b/i,
  /\b(?:asked|requested|declined) (?:not )?to be (?:named|identified)\b/i,
  /\bspoke (?:on (?:the )?condition of|under condition of) anonymity\b/i,
  /\bnot authori[sz]ed to (?:speak|talk|discuss|comment)(?: publicly| on the record| to the (?:media|press))?\b/i,
  /\b(?:because of |due to |given )?the sensitivity of the (?:issue|matter|subject|talks|information)\b/i,
  /\b(?:the )?(?:matter|issue|subject) (?:is|was) sensitive\b/i,
  /\b(?:private|confidential) (?:discussions|deliberations|matters|talks)\b/i,
];

// Once the formula is taken out, a reason with this many words left still says something of its own.
const INFORMATIVE_WORDS = 4;
const FILLER = /\b(?:the|a|an|he|she|they|who|because|of|to|and|also|was|were|is|had|has|been|as|on|for|speak|publicly|source)\b/gi;

export function boilerplateIn(reason: string): string | null {
  for (const re of BOILERPLATE) {
    const m = re.exec(reason);
    if (!m) continue;
    const rest = reason
      .replace(m[0], ' ')
      .replace(FILLER, ' ')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    const words = rest ? rest.split(/\s+/).length : 0;
    if (words < INFORMATIVE_WORDS) return m[0];
  }
  return null;
}

export const anonBoilerplateReason: Rule = {
  id: 'ANON-BOILERPLATE-REASON',
  title: 'Boilerplate reason for anonymity',
  severity: 'info',
  policy: POLICIES.nytBoilerplate,
  target: 'actors',
  check(data) {
    return anonymousActorsInScope(data).flatMap((a) => {
      const reason = a.anonymityReason?.trim();
      const matched = reason ? boilerplateIn(reason) : null;
      if (!reason || !matched) return [];
      return [
        makeFinding(this, data, {
          records: [actorRef(a.id), ...statementsOfActor(data, a.id).map(statementRef)],
          message: `The reason given for the anonymity of ${actorLabel(data, a.id)} is boilerplate (“${reason}”): it tells the reader nothing. Say what the source would risk by being named.`,
          evidence: { actorId: a.id, anonymityReason: a.anonymityReason, matched },
        }),
      ];
    });
  },
};
