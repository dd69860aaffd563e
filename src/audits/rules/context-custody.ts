import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, makeFinding, quoteOf, utteranceRefs } from './finding.js';

const CUSTODY = ['in_custody', 'under_interrogation'];

export const contextCustody: Rule = {
  id: 'CONTEXT-CUSTODY',
  title: 'A statement made in custody or under interrogation',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'statements',
  check(data) {
    return data.inScope.statements.flatMap((id) => {
      const s = data.statements.get(id);
      const found = s ? CUSTODY.filter((c) => s.circumstances.includes(c)) : [];
      if (!s || found.length === 0) return [];
      const publisher = s.mediumPublisherId !== null ? actorLabel(data, s.mediumPublisherId) : null;
      return [
        makeFinding(this, data, {
          records: utteranceRefs(s),
          message: `${quoteOf(s.text)} was said by ${actorLabel(data, s.speakerId)} ${found.map((c) => c.replace('_', ' ')).join(' and ')}${publisher ? `, published by ${publisher}` : ''}: it may have been coerced and must be reported as such, not as free testimony.`,
          evidence: { statementId: s.id, circumstances: s.circumstances, medium: s.medium, mediumPublisherId: s.mediumPublisherId },
        }),
      ];
    });
  },
};
