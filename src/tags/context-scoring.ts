// How well the text around a candidate span agrees with a tag's stored context.
import { type CodePointText, cpLength } from './code-points.js';

// Quotes at least this long are distinctive enough to accept without surrounding context.
export const DISTINCTIVE_LENGTH = 32;

export function supported(m: number, prefixScore: number, suffixScore: number): boolean {
  // Short quotes recur by chance; only trust them where at least half of one side's context survived.
  return m >= DISTINCTIVE_LENGTH || Math.max(prefixScore, suffixScore) >= 0.5;
}

// Context agreement counts code points matching outward from the span: cheap enough to apply to
// every occurrence of a common word.
export function prefixScore(cps: Int32Array, s: number, prefix: Int32Array): number {
  if (prefix.length === 0) return s === 0 ? 1 : 0;
  let i = 0;
  while (i < prefix.length && s - 1 - i >= 0 && cps[s - 1 - i] === prefix[prefix.length - 1 - i]) i++;
  return i / prefix.length;
}

export function suffixScore(cps: Int32Array, e: number, suffix: Int32Array): number {
  if (suffix.length === 0) return e === cps.length ? 1 : 0;
  let i = 0;
  while (i < suffix.length && e + i < cps.length && cps[e + i] === suffix[i]) i++;
  return i / suffix.length;
}

export function proximity(s: number, near: number[], n: number): number {
  if (near.length === 0) return 0;
  return 1 - distanceTo(s, near) / Math.max(1, n);
}

export function distanceTo(x: number, near: number[]): number {
  let d = Infinity;
  for (const h of near) d = Math.min(d, Math.abs(x - h));
  return d;
}

export function contextMatches(body: CodePointText, start: number, end: number, prefix?: string, suffix?: string): boolean {
  // Clamped slices near the edges come out shorter, hence unequal: no separate bounds check needed.
  if (prefix !== undefined && body.slice(start - cpLength(prefix), start) !== prefix) return false;
  if (suffix !== undefined && body.slice(end, end + cpLength(suffix)) !== suffix) return false;
  return true;
}

/** Code point starts of every (possibly overlapping) occurrence of `needle`. */
export function occurrences(body: CodePointText, needle: string, limit = Infinity): number[] {
  const out: number[] = [];
  if (!needle) return out;
  const { text } = body;
  for (let i = text.indexOf(needle); i !== -1 && out.length < limit; i = text.indexOf(needle, i + 1)) {
    const s = body.toCodePoint(i),
      e = body.toCodePoint(i + needle.length);
    // A hit that starts or ends inside a surrogate pair is not a code point match.
    if (body.toCodeUnit(s) === i && body.toCodeUnit(e) === i + needle.length) out.push(s);
  }
  return out;
}

export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
