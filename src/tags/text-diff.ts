// Where did each part of the old body go? A diff of the old and new bodies (over code points) maps
// tag offsets through an edit exactly, the way collaborative editors map cursors through a change
// set, instead of guessing from the quote alone. Unchanged text between changes is aligned by unique
// k-grams (patience-diff style), and the small gaps between them by Myers' O(ND) algorithm.

/** One changed region: old [a0, a1) became new [b0, b1). Regions are ordered and never touch. */
export interface Hunk {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Where an old span lies in the new text: exactly (`pinned`), or somewhere within a changed region. */
export interface MappedSpan {
  /** No change inside the span: it sits, unchanged, at [start, end). */
  intact: boolean;
  /** Both ends fall inside one rewritten region: the diff cannot say where in it the span went. */
  within: boolean;
  /** Range of possible new starts / ends; equal bounds when the boundary lies in unchanged text. */
  startLo: number;
  startHi: number;
  endLo: number;
  endHi: number;
}

// Ranges up to this many code points (both sides together) go straight to Myers.
const SMALL_RANGE = 4096;
const MAX_D_SMALL = 512;
const MAX_D_LARGE = 128;
const K = 24;
// Content-defined sampling of k-grams: the same text is sampled in both bodies, at a quarter of the cost.
const SAMPLE_MASK = 3;

export class TextDiff {
  readonly hunks: Hunk[];
  /** delta[i]: how far hunks[0..i) shifted the text after them. */
  readonly #delta: Int32Array;
  /** insertedBefore[j]: new code points in [0, j) that changed regions put there. */
  readonly #insertedBefore: Int32Array;

  constructor(
    readonly a: Int32Array,
    readonly b: Int32Array,
  ) {
    this.hunks = alignToBoundaries(cleanup(diffCodePoints(a, b)), a, b);
    this.#delta = new Int32Array(this.hunks.length + 1);
    this.hunks.forEach((h, i) => (this.#delta[i + 1] = this.#delta[i] + (h.b1 - h.b0) - (h.a1 - h.a0)));
    this.#insertedBefore = new Int32Array(b.length + 1);
    let hi = 0;
    for (let j = 0; j < b.length; j++) {
      while (hi < this.hunks.length && this.hunks[hi].b1 <= j) hi++;
      const inside = hi < this.hunks.length && this.hunks[hi].b0 <= j ? 1 : 0;
      this.#insertedBefore[j + 1] = this.#insertedBefore[j] + inside;
    }
  }

  /** How many code points of new [lo, hi) were written by the edit rather than carried over. */
  inserted(lo: number, hi: number): number {
    return this.#insertedBefore[hi] - this.#insertedBefore[lo];
  }

  /** New-side ranges the edit wrote, for searching text that moved. */
  insertedRanges(): Array<[number, number]> {
    return this.hunks.filter((h) => h.b1 > h.b0).map((h) => [h.b0, h.b1]);
  }

  /**
   * Maps old [s, e). Text inserted exactly at s or e stays outside the span; a change that starts at s
   * or ends at e is inside it.
   */
  mapSpan(s: number, e: number): MappedSpan {
    const hs = this.hunks;
    // First hunk not wholly before s: a hunk ending at s is before, and so is an insertion at s.
    let lo = 0,
      hi = hs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const h = hs[mid];
      if (h.a1 < s || (h.a1 === s && (h.a0 < s || h.a0 === h.a1))) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    const shiftedStart = s + this.#delta[first];
    const touches = first < hs.length && hs[first].a0 < e;
    if (!touches) {
      return {
        intact: true,
        within: false,
        startLo: shiftedStart,
        startHi: shiftedStart,
        endLo: shiftedStart + e - s,
        endHi: shiftedStart + e - s,
      };
    }
    let last = first;
    while (last + 1 < hs.length && hs[last + 1].a0 < e) last++;
    // A change can slide over equal characters ("ab|c" inserting "cab" reads as well as "|abc" inserting
    // "abc"), and the diff may have put it across the span's edge. If the span's text sits whole next
    // to the changes, they were beside it, not in it. A change that covers the whole span removed it.
    const covers = hs.slice(first, last + 1).some((h) => h.a0 <= s && h.a1 >= e);
    for (let j = first; j <= last + 1 && !covers; j++) {
      const c = s + this.#delta[j];
      if (c >= 0 && c + e - s <= this.b.length && sameRun(this.a, s, this.b, c, e - s)) {
        return { intact: true, within: false, startLo: c, startHi: c, endLo: c + e - s, endHi: c + e - s };
      }
    }
    const hf = hs[first],
      hl = hs[last];
    const [startLo, startHi] = hf.a0 < s ? [hf.b0, hf.b1] : [shiftedStart, shiftedStart];
    const endShift = e + this.#delta[last + 1];
    const [endLo, endHi] = hl.a1 > e ? [hl.b0, hl.b1] : [endShift, endShift];
    return { intact: false, within: first === last && hf.a0 < s && hl.a1 > e, startLo, startHi, endLo, endHi };
  }
}

/** Changed regions between a and b, ordered, each separated from the next by unchanged text. */
export function diffCodePoints(a: Int32Array, b: Int32Array): Hunk[] {
  const equal: Array<[number, number, number]> = []; // [aStart, bStart, length], increasing
  diffRange(a, 0, a.length, b, 0, b.length, equal, 0);
  return hunksFrom(equal, a.length, b.length);
}

function hunksFrom(equal: Array<[number, number, number]>, n: number, m: number): Hunk[] {
  const out: Hunk[] = [];
  let x = 0,
    y = 0;
  for (const [a0, b0, len] of equal) {
    if (len === 0) continue;
    if (a0 > x || b0 > y) out.push({ a0: x, a1: a0, b0: y, b1: b0 });
    x = a0 + len;
    y = b0 + len;
  }
  if (x < n || y < m) out.push({ a0: x, a1: n, b0: y, b1: m });
  return out;
}

function diffRange(
  a: Int32Array,
  a0: number,
  a1: number,
  b: Int32Array,
  b0: number,
  b1: number,
  out: Array<[number, number, number]>,
  depth: number,
): void {
  let p = 0;
  while (a0 + p < a1 && b0 + p < b1 && a[a0 + p] === b[b0 + p]) p++;
  if (p) out.push([a0, b0, p]);
  a0 += p;
  b0 += p;
  let q = 0;
  while (a1 - q > a0 && b1 - q > b0 && a[a1 - 1 - q] === b[b1 - 1 - q]) q++;
  a1 -= q;
  b1 -= q;
  if (a0 < a1 && b0 < b1) {
    // When nothing succeeds the whole range counts as rewritten; tags in it are then searched for.
    const size = a1 - a0 + b1 - b0;
    if (!(size <= SMALL_RANGE && myers(a, a0, a1, b, b0, b1, MAX_D_SMALL, out))) {
      if (!(depth < 8 && anchored(a, a0, a1, b, b0, b1, out, depth))) myers(a, a0, a1, b, b0, b1, MAX_D_LARGE, out);
    }
  }
  if (q) out.push([a1, b1, q]);
}

/** Splits the range at k-grams that occur once on each side, in the same order on both. */
function anchored(
  a: Int32Array,
  a0: number,
  a1: number,
  b: Int32Array,
  b0: number,
  b1: number,
  out: Array<[number, number, number]>,
  depth: number,
): boolean {
  if (a1 - a0 < K || b1 - b0 < K) return false;
  const inA = uniqueGrams(a, a0, a1);
  const pairs: Array<[number, number]> = [];
  for (const [h, pos] of uniqueGrams(b, b0, b1)) {
    const pa = inA.get(h);
    if (pa !== undefined && pa >= 0 && pos >= 0 && sameGram(a, pa, b, pos)) pairs.push([pa, pos]);
  }
  if (pairs.length === 0) return false;
  pairs.sort((x, y) => x[0] - y[0]);
  const chain = longestIncreasing(pairs);
  // Grow each anchor into the whole run of equal text around it, then diff the gaps between runs.
  let x = a0,
    y = b0;
  const runs: Array<[number, number, number]> = [];
  for (const [pa, pb] of chain) {
    if (pa < x || pb < y) continue; // inside the previous run
    let s = 0;
    while (pa - s - 1 >= x && pb - s - 1 >= y && a[pa - s - 1] === b[pb - s - 1]) s++;
    let e = K;
    while (pa + e < a1 && pb + e < b1 && a[pa + e] === b[pb + e]) e++;
    runs.push([pa - s, pb - s, s + e]);
    x = pa + e;
    y = pb + e;
  }
  x = a0;
  y = b0;
  for (const [ra, rb, len] of runs) {
    diffRange(a, x, ra, b, y, rb, out, depth + 1);
    out.push([ra, rb, len]);
    x = ra + len;
    y = rb + len;
  }
  diffRange(a, x, a1, b, y, b1, out, depth + 1);
  return true;
}

/** Sampled k-gram hash → start, or -1 when the k-gram occurs more than once in the range. */
function uniqueGrams(t: Int32Array, lo: number, hi: number): Map<number, number> {
  const seen = new Map<number, number>();
  if (hi - lo < K) return seen;
  let pow = 1;
  for (let i = 0; i < K - 1; i++) pow = Math.imul(pow, 31);
  let h = 0;
  for (let i = lo; i < lo + K; i++) h = (Math.imul(h, 31) + t[i]) | 0;
  for (let i = lo; ; i++) {
    if ((h & SAMPLE_MASK) === 0) seen.set(h, seen.has(h) ? -1 : i);
    if (i + K >= hi) break;
    h = (Math.imul(h - Math.imul(t[i], pow), 31) + t[i + K]) | 0;
  }
  return seen;
}

function sameGram(a: Int32Array, pa: number, b: Int32Array, pb: number): boolean {
  return sameRun(a, pa, b, pb, K);
}

function sameRun(a: Int32Array, pa: number, b: Int32Array, pb: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[pa + i] !== b[pb + i]) return false;
  return true;
}

/** Longest chain of pairs increasing in both coordinates (pairs sorted by the first), O(P log P). */
function longestIncreasing(pairs: Array<[number, number]>): Array<[number, number]> {
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    let lo = 0,
      hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < pairs[i][1]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const chain: Array<[number, number]> = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) chain.push(pairs[i]);
  return chain.reverse();
}

/**
 * Myers (1986) greedy shortest edit script, giving up beyond maxD edits. Appends the equal runs of
 * [a0, a1) × [b0, b1) to out and returns true, or returns false having appended nothing.
 */
function myers(
  a: Int32Array,
  a0: number,
  a1: number,
  b: Int32Array,
  b0: number,
  b1: number,
  maxD: number,
  out: Array<[number, number, number]>,
): boolean {
  const n = a1 - a0,
    m = b1 - b0;
  const limit = Math.min(maxD, n + m);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(off - d, off + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        backtrack(trace, d, n, m, a0, b0, out);
        return true;
      }
    }
  }
  return false;
}

function backtrack(
  trace: Int32Array[],
  dEnd: number,
  n: number,
  m: number,
  a0: number,
  b0: number,
  out: Array<[number, number, number]>,
): void {
  const runs: Array<[number, number, number]> = [];
  let x = n,
    y = m;
  for (let d = dEnd; d >= 0; d--) {
    const k = x - y;
    let prevX = 0,
      prevY = 0;
    if (d > 0) {
      const v = trace[d]; // values after round d-1, indexed k + d
      const at = (kk: number) => v[kk + d];
      const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
      prevX = at(prevK);
      prevY = prevX - prevK;
    }
    // The snake of round d starts one step after (prevX, prevY): the step that inserted or deleted.
    const sx = d === 0 ? 0 : prevX + (x - y > prevX - prevY ? 1 : 0);
    const len = x - sx;
    if (len > 0) runs.push([a0 + sx, b0 + sx - k, len]);
    x = prevX;
    y = prevY;
  }
  for (let i = runs.length - 1; i >= 0; i--) out.push(runs[i]);
}

/**
 * Folds coincidental little equalities into the changes around them (an equality no longer than the
 * changes on both sides of it), as diff-match-patch's semantic cleanup does: "cut" → "reduce" is one
 * rewrite, not five edits around a shared "u". Text that moved then shows up as one inserted region.
 * Only short equalities are folded: a paragraph that stayed while others moved around it is kept.
 */
// Longer equalities are text that really stayed (a paragraph kept while others moved around it).
const MAX_FOLDED_EQUALITY = 16;

function cleanup(hunks: Hunk[]): Hunk[] {
  let hs = hunks;
  for (let changed = true; changed && hs.length > 1; ) {
    changed = false;
    const out: Hunk[] = [hs[0]];
    for (let i = 1; i < hs.length; i++) {
      const l = out[out.length - 1],
        r = hs[i];
      const gap = r.a0 - l.a1; // == r.b0 - l.b1: the equality between them
      if (gap <= MAX_FOLDED_EQUALITY && gap <= Math.max(l.a1 - l.a0, l.b1 - l.b0) && gap <= Math.max(r.a1 - r.a0, r.b1 - r.b0)) {
        out[out.length - 1] = { a0: l.a0, a1: r.a1, b0: l.b0, b1: r.b1 };
        changed = true;
      } else out.push(r);
    }
    hs = out;
  }
  return hs;
}

/**
 * Slides each pure insertion or deletion to where it reads most like a human edit: at a blank line,
 * a line break, a sentence end, a space, in that order (diff-match-patch's semantic lossless cleanup).
 * "He said no. Then she said no. Finally" losing a sentence loses " Then she said no.", not
 * "no. Then she said ": the difference decides which "no" a tag was on.
 */
function alignToBoundaries(hunks: Hunk[], a: Int32Array, b: Int32Array): Hunk[] {
  return hunks.map((h, i) => {
    const insertion = h.a0 === h.a1;
    if (!insertion && h.b0 !== h.b1) return h; // a rewrite has no other place
    const t = insertion ? b : a;
    const lo = insertion ? h.b0 : h.a0,
      hi = insertion ? h.b1 : h.a1;
    // Room to slide: the equal text on each side, in t's coordinates.
    const prevEnd = i === 0 ? 0 : insertion ? hunks[i - 1].b1 : hunks[i - 1].a1;
    const nextStart = i === hunks.length - 1 ? t.length : insertion ? hunks[i + 1].b0 : hunks[i + 1].a0;
    let left = 0;
    while (lo - left - 1 >= prevEnd && t[lo - left - 1] === t[hi - left - 1]) left++;
    let right = 0;
    while (hi + right < nextStart && t[lo + right] === t[hi + right]) right++;
    if (left === 0 && right === 0) return h;
    let best = 0,
      bestScore = -1;
    for (let d = -left; d <= right; d++) {
      const score = boundaryScore(t, lo + d) + boundaryScore(t, hi + d);
      if (score >= bestScore) {
        best = d;
        bestScore = score;
      }
    }
    return best === 0 ? h : { a0: h.a0 + best, a1: h.a1 + best, b0: h.b0 + best, b1: h.b1 + best };
  });
}

const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;

/** How good a place the boundary before t[i] is for an edit to begin or end. */
function boundaryScore(t: Int32Array, i: number): number {
  if (i <= 0 || i >= t.length) return 6;
  const c1 = String.fromCodePoint(t[i - 1]),
    c2 = String.fromCodePoint(t[i]);
  const other1 = !ALNUM.test(c1),
    other2 = !ALNUM.test(c2);
  const space1 = other1 && SPACE.test(c1),
    space2 = other2 && SPACE.test(c2);
  const break1 = c1 === '\n' || c1 === '\r',
    break2 = c2 === '\n' || c2 === '\r';
  const blank1 = c1 === '\n' && (t[i - 2] === 10 || (t[i - 2] === 13 && t[i - 3] === 10));
  const blank2 =
    (c2 === '\n' && t[i + 1] === 10) || (c2 === '\r' && t[i + 1] === 10 && (t[i + 2] === 10 || (t[i + 2] === 13 && t[i + 3] === 10)));
  if (blank1 || blank2) return 5;
  if (break1 || break2) return 4;
  if (other1 && !space1 && space2) return 3;
  if (space1 || space2) return 2;
  if (other1 || other2) return 1;
  return 0;
}
