import type { Bundle } from '../../src/generated/schema-types.js';

const WORDS =
  'minister said officials warned the attack ministry report sources security services claimed investigators denied evidence agency later statement confirmed police'.split(
    ' ',
  );

/** Deterministic text of about `n` characters, different for each `seed`. */
function text(seed: number, n: number): string {
  const out: string[] = [`item ${seed}:`];
  for (let i = 0, len = 0; len < n; i++) {
    const w = WORDS[(seed * 7 + i * 13 + ((seed >> 3) ^ i)) % WORDS.length];
    out.push(w);
    len += w.length + 1;
  }
  return out.join(' ');
}

/**
 * A valid bundle of about `bytes` bytes of JSON: outlets, named speakers, documents, and statements each
 * relayed once into a document. What a newsroom's bulk import looks like, at the size that used to
 * hold the event loop for seconds.
 */
export function bigBundle(bytes: number, namespace = 'load.big'): Bundle {
  const outlets = 20;
  const people = 200;
  const documentsCount = 400;
  const bundle = {
    namespace,
    actors: [
      ...Array.from({ length: outlets }, (_, i) => ({ key: `o${i}`, kind: 'outlet', identityStatus: 'named', name: `Outlet ${i}` })),
      ...Array.from({ length: people }, (_, i) => ({ key: `p${i}`, kind: 'person', identityStatus: 'named', name: `Person ${i}` })),
    ],
    documents: Array.from({ length: documentsCount }, (_, i) => ({ key: `d${i}`, outlet: `o${i % outlets}`, title: text(i, 60) })),
    statements: [] as object[],
    relays: [] as object[],
  };
  let size = JSON.stringify(bundle).length;
  for (let i = 0; ; i++) {
    const statement = { key: `s${i}`, speaker: `p${i % people}`, text: text(i, 240), textForm: 'quote', kind: 'assertion' };
    const relay = { key: `r${i}`, statement: `s${i}`, relayedBy: `o${i % outlets}`, mode: 'verbatim', document: `d${i % documentsCount}` };
    const added = JSON.stringify(statement).length + JSON.stringify(relay).length + 2;
    if (size + added > bytes) break;
    bundle.statements.push(statement);
    bundle.relays.push(relay);
    size += added;
  }
  return bundle as unknown as Bundle;
}
