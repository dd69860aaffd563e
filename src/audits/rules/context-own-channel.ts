import type { AuditData, Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { actorLabel, makeFinding, quoteOf, utteranceRefs } from './finding.js';

/** The actor and everyone it acts for, up the chain (Amaq → Islamic State; Peskov → the Kremlin → Russia). */
export function principalsOf(data: AuditData, id: number): number[] {
  const out: number[] = [];
  for (let cur: number | null = id; cur !== null && !out.includes(cur); cur = data.actors.get(cur)?.actsForId ?? null) out.push(cur);
  return out;
}

export const contextOwnChannel: Rule = {
  id: 'CONTEXT-OWN-CHANNEL',
  title: 'A statement that reached the public only through the speaker’s own channel',
  severity: 'warning',
  policy: POLICIES.bbcAccuracy,
  target: 'statements',
  check(data) {
    return data.inScope.statements.flatMap((id) => {
      const s = data.statements.get(id);
      if (!s) return [];
      const reasons: string[] = s.circumstances.filter((c) => c === 'own_channel' || c === 'state_media');
      let publisherActsForSpeaker = false;
      if (s.mediumPublisherId !== null) {
        const speakerSide = principalsOf(data, s.speakerId);
        const publisherSide = principalsOf(data, s.mediumPublisherId);
        // The publisher is the speaker, acts for the speaker, or the speaker acts for the publisher.
        publisherActsForSpeaker = publisherSide.includes(s.speakerId) || speakerSide.includes(s.mediumPublisherId);
      }
      if (publisherActsForSpeaker) reasons.push('publisher-acts-for-speaker');
      if (reasons.length === 0) return [];
      const channel =
        s.mediumPublisherId !== null
          ? actorLabel(data, s.mediumPublisherId)
          : reasons.includes('state_media')
            ? 'state media'
            : 'its own channel';
      return [
        makeFinding(this, data, {
          records: utteranceRefs(s),
          message: `${quoteOf(s.text)} reached the public through ${channel}, a channel of ${actorLabel(data, s.speakerId)} itself: treat it as the claim of an interested party, attributed and not as fact.`,
          evidence: { statementId: s.id, circumstances: s.circumstances, mediumPublisherId: s.mediumPublisherId, reasons },
        }),
      ];
    });
  },
};
