import { createHash } from 'node:crypto';
import type { ActorMatch, ProposedActor, SuggestedActor } from '../generated/schema-types.js';
import { isKnownOutlet } from './lexicon.js';
import type { ActorCandidate, SuggestionRepository } from './suggestion-repository.js';
import type { Speaker } from './types.js';

/** A match at or above this is used on accept; below it the journalist decides (speakerId). */
export const AUTO_MATCH = 0.75;

const STATES =
  /^(the )?(united states|us|u\.s\.|usa|russia|iran|ukraine|britain|great britain|uk|united kingdom|china|france|germany|israel|india|japan|turkey|syria|iraq|poland|canada|mexico|north korea|south korea|saudi arabia|egypt|qatar|afghanistan|pakistan|belarus|italy|spain|west)$/i;
const ORGANISATION =
  /\b(state|service|ministry|agency|party|council|department|kremlin|office|committee|army|police|court|union|government|university|bank|company|corporation|inc|group|institute|foundation|commission|white house|pentagon|campaign|administration|senate|congress|parliament|news|press|times|post|journal|fsb|cia|fbi|nato|un|eu)\b/i;

/** The actor record an extracted speaker would become. */
export function proposeActor(speaker: Speaker, outlet: boolean): ProposedActor {
  const { identityStatus } = speaker;
  if (identityStatus === 'named' && speaker.name) {
    const name = speaker.name;
    let kind: ProposedActor['kind'];
    if (outlet || isKnownOutlet(name)) kind = 'outlet';
    else if (STATES.test(name)) kind = 'state';
    else if (ORGANISATION.test(name) || /^[A-Z]{2,}$/.test(name)) kind = 'organisation';
    else if (name.split(/\s+/).length >= 2 || speaker.description) kind = 'person';
    else kind = 'organisation';
    return { kind, identityStatus, name, ...(speaker.description ? { description: speaker.description } : {}) };
  }
  const description = speaker.description ?? 'an unidentified speaker';
  const plural = /^(\w+ )?(sources|officials|people|aides|diplomats|members|two|three|four|several|many)\b/i.test(description);
  return { kind: plural ? 'group' : 'person', identityStatus: identityStatus === 'named' ? 'unidentified' : identityStatus, description };
}

/** A bundle key for a proposed actor: the same speaker in one document's suggestions is the same record. */
export function actorKey(p: ProposedActor): string {
  const identity = [p.kind, p.identityStatus, p.name ?? '', p.description ?? ''].join('|').toLowerCase();
  return `a-${createHash('sha256').update(identity).digest('hex').slice(0, 20)}`;
}

function toMatch(c: ActorCandidate, score: number, by: ActorMatch['by']): ActorMatch {
  return { id: c.id, name: c.name, description: c.description, identityStatus: c.identityStatus, score, by };
}

/**
 * The existing actor a proposal is taken to be: by name (named speakers), else by description, stronger when
 * the description names whom the actor acts for ("a Kremlin official" and an official acting for The Kremlin).
 * An anonymous description alone stays below AUTO_MATCH: two stories' "senior officials" are rarely one person.
 */
export async function matchActor(repo: SuggestionRepository, p: ProposedActor, exclude: Set<string>): Promise<ActorMatch | null> {
  const usable = (c: ActorCandidate) => !exclude.has(`actor:${c.id}`);
  if (p.name) {
    const named = (await repo.actorsNamed(p.name)).filter(usable);
    if (named.length) return toMatch(named[0], named.length === 1 ? 1 : 0.9, 'name');
  }
  if (p.description) {
    const described = (await repo.actorsDescribed(p.description)).filter(usable);
    const actingFor = described.find(
      (c) => c.actsForName && p.description!.toLowerCase().includes(c.actsForName.toLowerCase().replace(/^the /, '')),
    );
    if (actingFor) return toMatch(actingFor, 0.8, 'acting-for');
    if (described.length) return toMatch(described[0], p.identityStatus === 'named' ? 0.7 : 0.6, 'description');
  }
  return null;
}

export async function suggestActor(
  repo: SuggestionRepository,
  namespace: string,
  p: ProposedActor,
  exclude: Set<string>,
): Promise<SuggestedActor> {
  const accepted = await repo.keyed(namespace, 'actor', actorKey(p));
  if (accepted !== undefined) {
    const c = (await repo.actor(accepted))!;
    return { proposed: p, match: toMatch(c, 1, 'accepted') };
  }
  return { proposed: p, match: await matchActor(repo, p, exclude) };
}
