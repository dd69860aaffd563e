// Tag anchoring on document bodies, W3C Web Annotation style (TextQuoteSelector +
// TextPositionSelector). Offsets are Unicode code points, end exclusive.
// Re-anchoring maps offsets through a diff of the old and new body when the old body is known, and
// otherwise follows the Hypothesis approach: exact position, then exact quote scored by context,
// then approximate quote search (bit-parallel Myers) near where the tag is expected.
import { TextDiff } from './text-diff.js';
import { type CodePointText, clamp, cpLength, toCps } from './code-points.js';
import { Pattern, scan, simFromDistance, symbolsOf, bodySymbolsOf, type Symbols } from './myers.js';
import {
  contextMatches,
  DISTINCTIVE_LENGTH,
  distanceTo,
  mergeRanges,
  occurrences,
  prefixScore,
  proximity,
  suffixScore,
  supported,
} from './context-scoring.js';

export type AnchorStatus = 'anchored' | 'moved' | 'fuzzy' | 'orphaned';
export interface ReanchorResult {
  status: AnchorStatus;
  start: number | null;
  end: number | null;
  exact: string | null;
  score: number;
}
/**
 * What a stored tag knows: its last offsets (null once orphaned), the text there with its context,
 * and the text as first tagged (`quote`), which any later match is measured against.
 */
export interface StoredAnchor {
  start: number | null;
  end: number | null;
  exact: string;
  prefix: string;
  suffix: string;
  quote?: string;
}
export interface ReanchorOptions {
  /** Least similarity to the quote for a `fuzzy` match (default 0.75). */
  minScore?: number;
  /** The body the anchors were made on: lets an edit be mapped exactly instead of searched. */
  previousBody?: CodePointText | null;
  /** Work allowed for approximate search across all anchors (columns × 32-row blocks). */
  fuzzyBudget?: number;
}
const DEFAULT_MIN_SCORE = 0.75;
const MAX_FUZZY_CANDIDATES = 8;
// Approximate search costs (columns scanned × 32-row blocks of the quote). One re-anchoring spends at
// most this much on it (~100 ms): after an edit that rewrote everything, tags not found verbatim are
// orphaned rather than searched for one by one across the whole body.
const FUZZY_BUDGET = 6_000_000;
const MOVED_ALONE_LENGTH = 16;
// Hypothesis' match-quote weights: the quote dominates, context disambiguates, position breaks ties.
const W_QUOTE = 50,
  W_PREFIX = 20,
  W_SUFFIX = 20,
  W_POS = 2;

/** 1 - levenshtein/max(length), over code points. */
export function similarity(a: string, b: string): number {
  const pa = toCps(a),
    sb = symbolsOf(toCps(b));
  return simFromDistance(scan(new Pattern(pa, sb.alphabet), sb.ids, 0, sb.ids.length, true), pa.length, sb.ids.length);
}

export function reanchor(oldAnchor: StoredAnchor, newBody: CodePointText, opts?: ReanchorOptions): ReanchorResult {
  return reanchorAll([oldAnchor], newBody, opts)[0];
}

/**
 * Finds every anchor again in the new body. With `previousBody` (the body the anchors describe), the
 * edit itself is known: a diff maps each span exactly, text that changed inside a span is matched
 * around where the diff put it, and only text the diff shows as gone is searched for, in what the edit
 * wrote (text that moved). Without it, anchors are found the way Hypothesis does: exact position,
 * exact quote ranked by context, then approximate quote near where the neighbours went.
 * Every result is checked against the anchor's reference text (`quote`, else `exact`): equal text is
 * `anchored` or `moved`, close text `fuzzy` with its similarity, anything else `orphaned`.
 */
export function reanchorAll(anchors: StoredAnchor[], newBody: CodePointText, opts: ReanchorOptions = {}): ReanchorResult[] {
  const minScore = Math.min(1, Math.max(0.01, opts.minScore ?? DEFAULT_MIN_SCORE));
  const prev = opts.previousBody ?? null;
  const diff = prev ? new TextDiff(prev.codePoints, newBody.codePoints) : null;
  const preps = anchors.map(prepare);
  const spans: Array<Span | null> = anchors.map(() => null);
  const budget = { left: opts.fuzzyBudget ?? FUZZY_BUDGET };
  const searched: number[] = [];

  preps.forEach((p, i) => {
    if (!p) return;
    if (diff && p.old.start === null) spans[i] = movedStage(p, diff, newBody, minScore, budget);
    else if (diff && inSync(p.old, prev!))
      spans[i] = diffStage(p, diff, newBody, minScore) ?? movedStage(p, diff, newBody, minScore, budget);
    else {
      searched.push(i);
      spans[i] = exactStage(p, newBody);
    }
  });

  if (searched.some((i) => !spans[i])) {
    // Tags that did not survive verbatim are searched near where their neighbours went:
    // an edit shifts everything after it by the same amount.
    const placed = anchors
      .map((a, i) => i)
      .filter((i) => anchors[i].start !== null)
      .sort((x, y) => anchors[x].start! - anchors[y].start!);
    const hints: number[][] = anchors.map((a) => (a.start === null ? [] : [a.start]));
    for (const dir of [1, -1]) {
      let shift: number | null = null;
      for (let k = 0; k < placed.length; k++) {
        const i = placed[dir === 1 ? k : placed.length - 1 - k];
        const r = spans[i];
        if (r) shift = r.start - anchors[i].start!;
        else if (shift !== null) hints[i].push(anchors[i].start! + shift);
      }
    }
    for (const i of searched) if (!spans[i]) spans[i] = fuzzyStage(preps[i]!, newBody, minScore, hints[i], budget);
  }
  return preps.map((p, i) => (p ? finish(p, spans[i], newBody, minScore) : orphaned()));
}

const orphaned = (): ReanchorResult => ({ status: 'orphaned', start: null, end: null, exact: null, score: 0 });

interface Span {
  start: number;
  end: number;
}

interface Prepared {
  old: StoredAnchor;
  /** The code points of old.exact: what is searched for (old.quote is what results are judged by). */
  cps: Int32Array;
  prefix: Int32Array;
  suffix: Int32Array;
  pattern?: Pattern;
  reversed?: Pattern;
}

function prepare(old: StoredAnchor): Prepared | null {
  // An empty quote cannot be told apart from any other position.
  if (!old.exact) return null;
  return { old, cps: toCps(old.exact), prefix: toCps(old.prefix ?? ''), suffix: toCps(old.suffix ?? '') };
}

function patterns(p: Prepared, sym: Symbols): { pattern: Pattern; reversed: Pattern } {
  // Patterns index the body's alphabet, and a body is re-anchored against once: cache per anchor.
  p.pattern ??= new Pattern(p.cps, sym.alphabet);
  p.reversed ??= new Pattern(p.cps.slice().reverse(), sym.alphabet);
  return { pattern: p.pattern, reversed: p.reversed };
}

function inSync(a: StoredAnchor, body: CodePointText): boolean {
  return (
    a.start !== null &&
    a.end !== null &&
    Number.isInteger(a.start) &&
    Number.isInteger(a.end) &&
    a.start >= 0 &&
    a.end <= body.length &&
    a.start < a.end &&
    body.slice(a.start, a.end) === a.exact
  );
}

function finish(p: Prepared, span: Span | null, body: CodePointText, minScore: number): ReanchorResult {
  if (!span || span.end <= span.start) return orphaned();
  const exact = body.slice(span.start, span.end);
  const reference = p.old.quote ?? p.old.exact;
  if (exact === reference) {
    const status = span.start === p.old.start && span.end === p.old.end ? 'anchored' : 'moved';
    return { status, start: span.start, end: span.end, exact, score: 1 };
  }
  // The safety net: whatever found it, text that is not close to what was tagged is not the tag.
  const score = similarity(exact, reference);
  if (score < minScore) return orphaned();
  return { status: 'fuzzy', start: span.start, end: span.end, exact, score };
}

function maxEdits(m: number, minScore: number): number {
  // Any span with similarity >= minScore is within k edits of the quote.
  return Math.min(m, Math.floor((m * (1 - minScore)) / minScore + 1e-9));
}

/** The diff says where the span went; when text inside it changed, pick the closest match there. */
function diffStage(p: Prepared, diff: TextDiff, body: CodePointText, minScore: number): Span | null {
  const mapped = diff.mapSpan(p.old.start!, p.old.end!);
  if (mapped.intact) return { start: mapped.startLo, end: mapped.endLo };
  // Both ends inside one rewritten passage: where in it the quote went is a search, not a mapping.
  if (mapped.within) return null;
  const n = body.length,
    m = p.cps.length,
    k = maxEdits(m, minScore);
  // A deletion next to the tag can slide over equal characters into it ("vatde| eda" deleting " e"
  // or "e "): boundaries the diff pins are still only known to within k.
  let startLo = clamp(mapped.startLo - k, 0, n),
    startHi = clamp(mapped.startHi + k, 0, n);
  let endLo = clamp(mapped.endLo - k, 0, n),
    endHi = clamp(mapped.endHi + k, 0, n);
  // A span similar enough is m ± k long: a boundary inside a long rewritten passage is only searched
  // for that far from the other one.
  startLo = Math.max(startLo, endLo - m - k);
  startHi = Math.min(startHi, endHi - m + k);
  endLo = Math.max(endLo, startLo + m - k);
  endHi = Math.min(endHi, startHi + m + k);
  if (startHi < startLo || endHi < endLo) return null;
  const s0 = (mapped.startLo + mapped.startHi) / 2,
    e0 = (mapped.endLo + mapped.endHi) / 2;
  const sym = bodySymbolsOf(body);
  const { pattern, reversed } = patterns(p, sym);
  let best: { start: number; end: number; sim: number; off: number } | null = null;
  const offer = (s: number, e: number, distance: number) => {
    if (e <= s) return;
    const sim = simFromDistance(distance, m, e - s);
    const off = Math.abs(s - s0) + Math.abs(e - e0);
    if (!best || sim > best.sim || (sim === best.sim && off < best.off)) best = { start: s, end: e, sim, off };
  };
  const fromStart = (s: number) => {
    // Levenshtein of the quote against the text from s: every end at once.
    if (endHi <= s) return;
    const cols = new Int32Array(endHi - s);
    scan(pattern, sym.ids, s, endHi, true, cols);
    for (let e = Math.max(endLo, s + 1); e <= endHi; e++) offer(s, e, cols[e - s - 1]);
  };
  const fromEnd = (e: number) => {
    // The reversed quote against the text read backwards from e: every start at once.
    if (e <= startLo) return;
    const rev = sym.ids.slice(startLo, e).reverse();
    const cols = new Int32Array(rev.length);
    scan(reversed, rev, 0, rev.length, true, cols);
    for (let s = Math.min(startHi, e - 1); s >= startLo; s--) offer(s, e, cols[e - 1 - s]);
  };
  const narrow = 2 * k + 1;
  if (startHi - startLo <= narrow) for (let s = startLo; s <= startHi; s++) fromStart(s);
  else if (endHi - endLo <= narrow) for (let e = endLo; e <= endHi; e++) fromEnd(e);
  else if (endHi > startLo) {
    // Both ends inside (different) rewritten passages: ends where the quote matches best, then their starts.
    const cols = new Int32Array(endHi - startLo);
    scan(pattern, sym.ids, startLo, endHi, false, cols);
    const ends: number[] = [];
    for (let e = Math.max(endLo, startLo + 1); e <= endHi; e++) ends.push(e);
    ends.sort((x, y) => cols[x - startLo - 1] - cols[y - startLo - 1]);
    for (const e of ends.slice(0, MAX_FUZZY_CANDIDATES)) fromEnd(e);
  }
  const found = best as { start: number; end: number; sim: number } | null;
  return found && found.sim >= minScore ? { start: found.start, end: found.end } : null;
}

/**
 * The diff shows the tagged text gone from its place: look for it in what the edit wrote (cut and
 * pasted elsewhere, or an orphan's text put back). Text that was already in the body is another
 * passage, never this tag.
 */
function movedStage(p: Prepared, diff: TextDiff, body: CodePointText, minScore: number, budget: { left: number }): Span | null {
  const accept = (s: number, e: number) => diff.inserted(s, e) * 2 >= e - s;
  const m = p.cps.length,
    n = body.length,
    k = maxEdits(m, minScore);
  const ranges = diff.insertedRanges();
  if (ranges.length === 0) return null;
  const cps = body.codePoints;
  let best: Span | null = null,
    bestScore = -Infinity,
    tie = false;
  const hits = occurrences(body, p.old.exact);
  for (const s of hits) {
    if (!accept(s, s + m)) continue;
    const ps = prefixScore(cps, s, p.prefix),
      ss = suffixScore(cps, s + m, p.suffix);
    // A sentence moved on its own leaves its context behind: a distinctive quote found once, and
    // only where the edit wrote, is that sentence.
    if (!supported(m, ps, ss) && !(m >= MOVED_ALONE_LENGTH && hits.length === 1)) continue;
    const score = W_PREFIX * ps + W_SUFFIX * ss;
    if (score > bestScore) {
      best = { start: s, end: s + m };
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  // Two equally good places: guessing would be silently wrong half the time.
  if (best) return tie ? null : best;
  if (tie) return null;
  const search = new FuzzySearch(p, body, k, minScore, [], accept, budget);
  // First where the tag's context went (text usually moves with some of its surroundings), then, for
  // quotes distinctive enough to need no context, everything the edit wrote.
  const slack = Math.max(128, m);
  for (const [lo, hi] of mergeRanges(
    contextHints(body, p, []).map((h) => [clamp(h - k - slack, 0, n), clamp(h + m + k + slack, 0, n)] as const),
  ))
    search.scanWindow(lo, hi);
  if (!search.best && m >= DISTINCTIVE_LENGTH) {
    for (const [lo, hi] of mergeRanges(ranges.map(([lo, hi]) => [clamp(lo - m - k, 0, n), clamp(hi + m + k, 0, n)] as const)))
      search.scanWindow(lo, hi);
  }
  return search.unique();
}

function exactStage(p: Prepared, body: CodePointText): Span | null {
  const { old } = p;
  const m = p.cps.length;
  const cps = body.codePoints;
  const start = old.start ?? -1;
  const inPlace = inSync(old, body);
  if (inPlace && (prefixScore(cps, start, p.prefix) === 1 || suffixScore(cps, start + m, p.suffix) === 1)) {
    return { start, end: start + m };
  }
  // Context on both sides changed (or the text moved): the in-place hit competes with the others.
  let best = -1,
    bestScore = -Infinity;
  for (const s of occurrences(body, old.exact)) {
    const ps = prefixScore(cps, s, p.prefix),
      ss = suffixScore(cps, s + m, p.suffix);
    if (!supported(m, ps, ss)) continue;
    const score = W_PREFIX * ps + W_SUFFIX * ss + W_POS * proximity(s, old.start === null ? [] : [old.start], body.length);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best < 0 ? null : { start: best, end: best + m };
}

function fuzzyStage(p: Prepared, body: CodePointText, minScore: number, hints: number[], budget: { left: number }): Span | null {
  const m = p.cps.length,
    n = body.length;
  if (n === 0) return null;
  const k = maxEdits(m, minScore);
  const expected = [...hints, ...contextHints(body, p, hints)];
  const slack = Math.max(128, m);
  const windows = mergeRanges(expected.map((h) => [clamp(h - k - slack, 0, n), clamp(h + m + k + slack, 0, n)] as const));
  const search = new FuzzySearch(p, body, k, minScore, expected, () => true, budget);
  for (const [lo, hi] of windows) search.scanWindow(lo, hi);
  // Moved and edited: one whole-body bit-parallel pass, O(n * m / 32). Short quotes need surviving
  // context, and windows already cover every place their context was found, so they skip it.
  if (!search.best && m >= DISTINCTIVE_LENGTH) search.scanWindow(0, n);
  return search.best && { start: search.best.start, end: search.best.end };
}

class FuzzySearch {
  best: { start: number; end: number; sim: number; rank: number } | null = null;
  #runnerUp: { start: number; end: number; rank: number } | null = null;
  readonly #pattern: Pattern;
  readonly #reversed: Pattern;
  readonly #sym: Symbols;
  readonly #tried = new Set<number>();

  constructor(
    readonly p: Prepared,
    readonly body: CodePointText,
    readonly k: number,
    readonly minScore: number,
    readonly expected: number[],
    readonly accept: (s: number, e: number) => boolean,
    readonly budget: { left: number },
  ) {
    this.#sym = bodySymbolsOf(body);
    ({ pattern: this.#pattern, reversed: this.#reversed } = patterns(p, this.#sym));
  }

  /** The best match, unless another place scores the same. */
  unique(): Span | null {
    const b = this.best,
      r = this.#runnerUp;
    if (!b) return null;
    if (r && r.rank >= b.rank - 1e-9 && (r.end <= b.start || r.start >= b.end)) return null;
    return { start: b.start, end: b.end };
  }

  scanWindow(lo: number, hi: number): void {
    if (hi <= lo) return;
    const cost = (hi - lo) * this.#pattern.blocks;
    if (cost > this.budget.left) return;
    this.budget.left -= cost;
    const scores = new Int32Array(hi - lo);
    scan(this.#pattern, this.#sym.ids, lo, hi, false, scores);
    // One end per run of acceptable columns: neighbours in a run are the same match, shifted.
    const ends: Array<[number, number]> = [];
    for (let c = 0; c < scores.length; c++) {
      if (scores[c] > this.k) continue;
      let bestC = c;
      for (; c + 1 < scores.length && scores[c + 1] <= this.k; c++) if (scores[c + 1] < scores[bestC]) bestC = c + 1;
      ends.push([scores[bestC], lo + bestC + 1]);
    }
    ends.sort((a, b) => a[0] - b[0]);
    for (const [, end] of ends.slice(0, MAX_FUZZY_CANDIDATES)) this.#consider(end);
  }

  #consider(end: number): void {
    if (this.#tried.has(end)) return;
    this.#tried.add(end);
    const { prefix, suffix } = this.p;
    const m = this.p.cps.length,
      cps = this.body.codePoints;
    // The forward scan only knows where the match ends; scanning backwards from there finds its start.
    const lo = Math.max(0, end - m - this.k);
    const rev = this.#sym.ids.slice(lo, end).reverse();
    const scores = new Int32Array(rev.length);
    scan(this.#reversed, rev, 0, rev.length, true, scores);
    let j = 0;
    for (let c = 1; c < scores.length; c++) {
      if (scores[c] < scores[j] || (scores[c] === scores[j] && Math.abs(c + 1 - m) < Math.abs(j + 1 - m))) j = c;
    }
    let s = end - j - 1,
      e = end;
    // Minimal edit distance is not quite maximal similarity (it divides by the longer length): nudge the edges.
    let sim = this.#sim(s, e);
    for (let round = 0; round < 8; round++) {
      let moved = false;
      for (const [ds, de] of [
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ]) {
        const ns = s + ds,
          ne = e + de;
        if (ns < 0 || ne > cps.length || ns >= ne) continue;
        const v = this.#sim(ns, ne);
        if (v > sim) {
          s = ns;
          e = ne;
          sim = v;
          moved = true;
        }
      }
      if (!moved) break;
    }
    if (sim < this.minScore || !this.accept(s, e)) return;
    const ps = prefixScore(cps, s, prefix),
      ss = suffixScore(cps, e, suffix);
    if (!supported(m, ps, ss)) return;
    const rank = W_QUOTE * sim + W_PREFIX * ps + W_SUFFIX * ss + W_POS * proximity(s, this.expected, cps.length);
    if (!this.best || rank > this.best.rank) {
      if (this.best && (this.best.end <= s || this.best.start >= e)) this.#runnerUp = this.best;
      this.best = { start: s, end: e, sim, rank };
    } else if (!this.#runnerUp || rank > this.#runnerUp.rank) {
      if (this.best.end <= s || this.best.start >= e) this.#runnerUp = { start: s, end: e, rank };
    }
  }

  #sim(s: number, e: number): number {
    return simFromDistance(scan(this.#pattern, this.#sym.ids, s, e, true), this.#pattern.m, e - s);
  }
}

/** Expected start positions from wherever halves of the old prefix/suffix still occur verbatim. */
function contextHints(body: CodePointText, p: Prepared, near: number[]): number[] {
  const out: number[] = [];
  const m = p.cps.length;
  const probe = (part: Int32Array, toStart: number) => {
    if (part.length < 4) return;
    const hits = occurrences(body, String.fromCodePoint(...part), 64);
    hits.sort((a, b) => distanceTo(a + toStart, near) - distanceTo(b + toStart, near));
    for (const h of hits.slice(0, 4)) out.push(h + toStart);
  };
  const half = (a: Int32Array) => Math.min(a.length, Math.max(4, a.length >> 1));
  const { prefix, suffix } = p;
  probe(prefix.subarray(prefix.length - half(prefix)), half(prefix));
  probe(prefix.subarray(0, half(prefix)), prefix.length);
  probe(suffix.subarray(0, half(suffix)), -m);
  probe(suffix.subarray(suffix.length - half(suffix)), -m - (suffix.length - half(suffix)));
  return out;
}
