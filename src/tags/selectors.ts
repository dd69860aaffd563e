// W3C Web Annotation selectors (TextQuoteSelector + TextPositionSelector) resolved against a body.
import { type CodePointText, cpLength } from './code-points.js';
import { contextMatches, occurrences } from './context-scoring.js';

export interface TextAnchor {
  start: number;
  end: number;
  exact: string;
  prefix: string;
  suffix: string;
}
export interface SelectorInput {
  start?: number;
  end?: number;
  exact?: string;
  prefix?: string;
  suffix?: string;
}
export type ResolveResult =
  | { ok: true; anchor: TextAnchor }
  | {
      ok: false;
      reason: 'out_of_range' | 'end_before_start' | 'mismatch' | 'not_found' | 'ambiguous' | 'empty';
      found?: string;
      candidates?: Array<{ start: number; end: number; prefix: string; suffix: string }>;
    };

export const CONTEXT_LENGTH = 32;

export function describeSpan(body: CodePointText, start: number, end: number, contextLength = CONTEXT_LENGTH): TextAnchor {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > body.length) {
    throw new RangeError(`invalid span [${start}, ${end}) for body of length ${body.length}`);
  }
  return {
    start,
    end,
    exact: body.slice(start, end),
    prefix: body.slice(Math.max(0, start - contextLength), start),
    suffix: body.slice(end, end + contextLength),
  };
}

export function resolveSelector(body: CodePointText, sel: SelectorInput): ResolveResult {
  const { exact, prefix, suffix } = sel;
  let { start, end } = sel;
  if (exact === '') return { ok: false, reason: 'empty' };
  if (exact !== undefined) {
    // One offset plus the quote still pins the span.
    if (start !== undefined && end === undefined) end = start + cpLength(exact);
    if (end !== undefined && start === undefined) start = end - cpLength(exact);
  }
  if (start === undefined || end === undefined) {
    if (exact === undefined) return { ok: false, reason: 'empty' };
    const len = cpLength(exact);
    const hits = occurrences(body, exact).filter((s) => contextMatches(body, s, s + len, prefix, suffix));
    if (hits.length === 0) return { ok: false, reason: 'not_found' };
    if (hits.length > 1) {
      const candidates = hits.map((s) => {
        const a = describeSpan(body, s, s + len);
        return { start: a.start, end: a.end, prefix: a.prefix, suffix: a.suffix };
      });
      return { ok: false, reason: 'ambiguous', candidates };
    }
    return { ok: true, anchor: describeSpan(body, hits[0], hits[0] + len) };
  }
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0) return { ok: false, reason: 'out_of_range' };
  if (end < start) return { ok: false, reason: 'end_before_start' };
  if (end === start) return { ok: false, reason: 'empty' };
  if (end > body.length) return { ok: false, reason: 'out_of_range' };
  const anchor = describeSpan(body, start, end);
  if (exact !== undefined && anchor.exact !== exact) return { ok: false, reason: 'mismatch', found: anchor.exact };
  if (!contextMatches(body, start, end, prefix, suffix)) return { ok: false, reason: 'mismatch' };
  return { ok: true, anchor };
}
