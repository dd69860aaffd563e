// Approximate matching: Myers' bit-parallel edit distance over densely renumbered code points.
import type { CodePointText } from './code-points.js';

/** Code points renumbered densely, so the hot loop indexes a typed array instead of a Map. */
export interface Symbols {
  ids: Int32Array;
  alphabet: Map<number, number>;
}
export const bodySymbols = new WeakMap<CodePointText, Symbols>();

export function symbolsOf(cps: Int32Array): Symbols {
  const alphabet = new Map<number, number>();
  const ids = new Int32Array(cps.length);
  for (let i = 0; i < cps.length; i++) {
    let id = alphabet.get(cps[i]);
    if (id === undefined) alphabet.set(cps[i], (id = alphabet.size));
    ids[i] = id;
  }
  return { ids, alphabet };
}

export function bodySymbolsOf(body: CodePointText): Symbols {
  let s = bodySymbols.get(body);
  if (!s) bodySymbols.set(body, (s = symbolsOf(body.codePoints)));
  return s;
}

/** Match masks for Myers' bit-parallel algorithm, in 32-row blocks, indexed by symbol id. */
export class Pattern {
  readonly m: number;
  readonly blocks: number;
  readonly lastBit: number;
  readonly peq: Int32Array;

  constructor(cps: Int32Array, alphabet: Map<number, number>) {
    this.m = cps.length;
    this.blocks = Math.max(1, Math.ceil(cps.length / 32));
    this.lastBit = 1 << ((Math.max(1, cps.length) - 1) % 32);
    this.peq = new Int32Array(alphabet.size * this.blocks);
    for (let i = 0; i < cps.length; i++) {
      const id = alphabet.get(cps[i]); // code points absent from the text can never match
      if (id !== undefined) this.peq[id * this.blocks + (i >> 5)] |= 1 << (i & 31);
    }
  }
}

/**
 * Myers (1999) / Hyyrö (2001) edit distance of the pattern against text[from, to) (symbol ids),
 * O(n * m / 32). anchored: plain Levenshtein against the whole range; otherwise a match may start
 * anywhere (approximate search). Returns the last column's distance; `out[c]` gets column c's.
 */
export function scan(p: Pattern, text: Int32Array, from: number, to: number, anchored: boolean, out?: Int32Array): number {
  const { m, blocks, peq, lastBit } = p;
  if (m === 0) {
    if (out) for (let j = from; j < to; j++) out[j - from] = anchored ? j - from + 1 : 0;
    return anchored ? Math.max(0, to - from) : 0;
  }
  const P = new Int32Array(blocks).fill(-1);
  const M = new Int32Array(blocks);
  const top = anchored ? 1 : 0; // horizontal delta entering row 0: +1 per column only when anchored
  let score = m;
  for (let j = from; j < to; j++) {
    const base = text[j] * blocks;
    let h = top;
    for (let b = 0; b < blocks; b++) {
      const pv = P[b],
        mv = M[b];
      const hNeg = h < 0 ? 1 : 0,
        hPos = h > 0 ? 1 : 0;
      const eq = peq[base + b] | hNeg;
      const xv = eq | mv;
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      const bit = b === blocks - 1 ? lastBit : 1 << 31;
      h = ph & bit ? 1 : mh & bit ? -1 : 0;
      ph = (ph << 1) | hPos;
      mh = (mh << 1) | hNeg;
      P[b] = mh | ~(xv | ph);
      M[b] = ph & xv;
    }
    score += h;
    if (out) out[j - from] = score;
  }
  return score;
}

export function simFromDistance(d: number, a: number, b: number): number {
  const len = Math.max(a, b);
  return len === 0 ? 1 : 1 - d / len;
}
