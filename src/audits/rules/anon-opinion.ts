import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, actorRef, makeFinding, quoteOf, statementRef } from './finding.js';

const OPINION_KINDS = new Set(['opinion', 'characterisation', 'attack']);

export const anonOpinion: Rule = {
  id: 'ANON-OPINION',
  title: 'Opinion, characterisation or attack from an anonymous source',
  severity: 'warning',
  policy: POLICIES.apAnonymous,
  target: 'statements',
  check(data) {
    return data.inScope.statements.flatMap((id) => {
      const s = data.statements.get(id);
      const speaker = s && data.actors.get(s.speakerId);
      if (!s || !speaker || speaker.identityStatus !== 'anonymous' || !OPINION_KINDS.has(s.kind)) return [];
      return [
        makeFinding(this, data, {
          records: [statementRef(s.id), actorRef(speaker.id)],
          severity: s.kind === 'attack' ? 'error' : 'warning',
          message:
            s.kind === 'attack'
              ? `${quoteOf(s.text)} is an attack made from behind anonymity by ${actorLabel(data, speaker.id)}: anonymous sources may give information, never attacks.`
              : `${quoteOf(s.text)} is ${s.kind === 'opinion' ? 'an opinion' : 'a characterisation'} from ${actorLabel(data, speaker.id)}: anonymity is for information, not opinion.`,
          evidence: { statementId: s.id, kind: s.kind, speakerId: speaker.id, identityStatus: speaker.identityStatus },
        }),
      ];
    });
  },
};
