import type { Bundle } from '../../src/generated/schema-types.js';

/** Keyed items of a story (its claim link has no key). */
export const STORY_ITEMS = 6;

/** A small story of its own namespace: two actors, a document, a statement and its hop, a claim and the link. */
export const story = (name: string): Bundle => ({
  namespace: name,
  actors: [
    { key: 'speaker', kind: 'person', identityStatus: 'named', name: `Speaker of ${name}` },
    { key: 'outlet', kind: 'outlet', identityStatus: 'named', name: `Outlet of ${name}` },
  ],
  documents: [{ key: 'doc', outlet: 'outlet', title: `Story ${name}` }],
  statements: [{ key: 'said', speaker: 'speaker', text: `What was said in ${name}`, textForm: 'quote', kind: 'assertion' }],
  relays: [{ key: 'hop', statement: 'said', relayedBy: 'outlet', mode: 'verbatim', document: 'doc', firstHand: true, hedge: 'said' }],
  claims: [{ key: 'claim', text: `The claim of ${name}` }],
  links: [{ statement: 'said', claim: 'claim', stance: 'supports' }],
});
