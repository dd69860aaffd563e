// The attribution metrics of the PolNeAR README (the ones BBC R&D's Citron publishes for PARC 3.0):
// - exact, per span type: a predicted cue counts when its span equals a gold cue; a predicted source (content)
//   counts when its cue overlaps a gold attribution's cue and its span list equals that attribution's list.
//   Recall is the same test from the gold side. Cues are compared as a set of distinct spans (two attributions
//   sharing one cue are one cue); sources and contents per attribution.
// - overlap, per span type: precision is the share of predicted tokens (whitespace-separated words) inside some
//   gold span of that type, recall the share of gold tokens inside some predicted span; each token is counted
//   once per document and type, so the figures stay within 0–1. A token is inside a span set when any of its
//   characters is (so a quote predicted without its closing comma still covers the word).
// Span lists are compared in a canonical form: fragments sorted, whitespace and the separators , ; : trimmed from
// their ends (PolNeAR's annotators end 5% of sources with the comma before the verb, 2% of cues with the colon
// before a quote: `saying:`), and fragments joined when only whitespace lies between them (`10 20;21 30` over
// "…Cruz. That…" is `10 30`: the tool sometimes splits one quote at a sentence break). A span made only of
// separators (the `:` of `Speaker: words`) is kept as it is.
import { codePoints, type Range, type ScoredAttribution } from './brat.js';

export const SPAN_TYPES = ['cue', 'source', 'content'] as const;
export type SpanType = (typeof SPAN_TYPES)[number];

/** Counts for one score. Precision and recall have their own numerators because exact matching is not one-to-one. */
export interface Counts {
  predMatched: number;
  pred: number;
  goldMatched: number;
  gold: number;
}

export interface Scores {
  exact: Record<SpanType, Counts>;
  overlap: Record<SpanType, Counts>;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

const zero = (): Counts => ({ predMatched: 0, pred: 0, goldMatched: 0, gold: 0 });

export function emptyScores(): Scores {
  return {
    exact: { cue: zero(), source: zero(), content: zero() },
    overlap: { cue: zero(), source: zero(), content: zero() },
  };
}

/** Precision over what was predicted and recall over the gold; each is 0 when its denominator is (nothing to credit). */
export function prf(c: Counts): Prf {
  const precision = c.pred === 0 ? 0 : c.predMatched / c.pred;
  const recall = c.gold === 0 ? 0 : c.goldMatched / c.gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export function addScores(into: Scores, s: Scores): Scores {
  for (const kind of ['exact', 'overlap'] as const) {
    for (const t of SPAN_TYPES) {
      const a = into[kind][t];
      const b = s[kind][t];
      a.predMatched += b.predMatched;
      a.pred += b.pred;
      a.goldMatched += b.goldMatched;
      a.gold += b.gold;
    }
  }
  return into;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);
const isEdge = (c: string | undefined) => c !== undefined && /[\s,;:]/u.test(c);

/** The canonical form two span lists are compared in (see the header); `cps` is the text's code points. */
export function normalise(spans: readonly Range[], cps: readonly string[]): Array<[number, number]> {
  const trimmed: Array<[number, number]> = [];
  for (const sp of spans) {
    let s = sp.start;
    let e = sp.end;
    while (s < e && isEdge(cps[s])) s++;
    while (e > s && isEdge(cps[e - 1])) e--;
    if (s === e) {
      // Only separators: keep the span, without surrounding whitespace.
      [s, e] = [sp.start, sp.end];
      while (s < e && isSpace(cps[s])) s++;
      while (e > s && isSpace(cps[e - 1])) e--;
    }
    if (s < e) trimmed.push([s, e]);
  }
  trimmed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of trimmed) {
    const last = out[out.length - 1];
    let gapIsSpace = last !== undefined && s >= last[1];
    for (let i = last ? last[1] : s; gapIsSpace && i < s; i++) gapIsSpace = isSpace(cps[i]);
    if (last && (s <= last[1] || gapIsSpace)) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export function sameSpans(a: readonly Range[], b: readonly Range[], cps: readonly string[]): boolean {
  const x = normalise(a, cps);
  const y = normalise(b, cps);
  return x.length === y.length && x.every(([s, e], i) => s === y[i][0] && e === y[i][1]);
}

export function overlaps(a: readonly Range[], b: readonly Range[]): boolean {
  return a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
}

/** The cue as a fragment list (a gold cue may be discontinuous; a predicted one is one span). */
export function cueSpans(a: ScoredAttribution): Range[] {
  return a.cueFragments ?? (a.cue ? [a.cue] : []);
}

export function spansOf(a: ScoredAttribution, type: SpanType): Range[] {
  return type === 'cue' ? cueSpans(a) : type === 'source' ? a.sources : a.contents;
}

/** Whitespace-separated tokens as code-point ranges. */
export function tokenize(text: string): Range[] {
  const cps = codePoints(text);
  const tokens: Range[] = [];
  let start = -1;
  for (let i = 0; i <= cps.length; i++) {
    const space = i === cps.length || /\s/u.test(cps[i]);
    if (space && start >= 0) {
      tokens.push({ start, end: i });
      start = -1;
    } else if (!space && start < 0) start = i;
  }
  return tokens;
}

/** Which tokens any of the spans touch (by token index). */
function tokensCovered(tokens: readonly Range[], spans: readonly Range[]): Set<number> {
  const covered = new Set<number>();
  for (const s of spans) {
    // Tokens are sorted: binary-search the first token ending after the span starts.
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].end <= s.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < tokens.length && tokens[i].start < s.end; i++) covered.add(i);
  }
  return covered;
}

/** The identity of a cue for exact matching. */
export function cueKey(a: ScoredAttribution, cps: readonly string[]): string {
  return normalise(cueSpans(a), cps).join(';');
}

/** Exact match of a predicted source (content) with a gold attribution's: overlapping cues, equal span lists. */
export function roleMatches(p: ScoredAttribution, g: ScoredAttribution, type: 'source' | 'content', cps: readonly string[]): boolean {
  return overlaps(cueSpans(p), cueSpans(g)) && sameSpans(spansOf(p, type), spansOf(g, type), cps);
}

function exactCue(gold: readonly ScoredAttribution[], pred: readonly ScoredAttribution[], cps: readonly string[]): Counts {
  const g = new Set(gold.filter((a) => cueSpans(a).length).map((a) => cueKey(a, cps)));
  const p = new Set(pred.filter((a) => cueSpans(a).length).map((a) => cueKey(a, cps)));
  const both = [...p].filter((k) => g.has(k)).length;
  return { predMatched: both, pred: p.size, goldMatched: both, gold: g.size };
}

function exactRole(
  gold: readonly ScoredAttribution[],
  pred: readonly ScoredAttribution[],
  type: 'source' | 'content',
  cps: readonly string[],
): Counts {
  const matches = (p: ScoredAttribution, g: ScoredAttribution) => roleMatches(p, g, type, cps);
  const ps = pred.filter((p) => spansOf(p, type).length > 0);
  const gs = gold.filter((g) => spansOf(g, type).length > 0);
  return {
    predMatched: ps.filter((p) => gs.some((g) => matches(p, g))).length,
    pred: ps.length,
    goldMatched: gs.filter((g) => ps.some((p) => matches(p, g))).length,
    gold: gs.length,
  };
}

function overlapRole(
  tokens: readonly Range[],
  gold: readonly ScoredAttribution[],
  pred: readonly ScoredAttribution[],
  type: SpanType,
): Counts {
  const g = tokensCovered(
    tokens,
    gold.flatMap((a) => spansOf(a, type)),
  );
  const p = tokensCovered(
    tokens,
    pred.flatMap((a) => spansOf(a, type)),
  );
  const both = [...p].filter((i) => g.has(i)).length;
  return { predMatched: both, pred: p.size, goldMatched: both, gold: g.size };
}

/** Scores one document's predicted attributions against its gold ones. */
export function scoreDocument(text: string, gold: readonly ScoredAttribution[], pred: readonly ScoredAttribution[]): Scores {
  const cps = codePoints(text);
  const tokens = tokenize(text);
  return {
    exact: {
      cue: exactCue(gold, pred, cps),
      source: exactRole(gold, pred, 'source', cps),
      content: exactRole(gold, pred, 'content', cps),
    },
    overlap: {
      cue: overlapRole(tokens, gold, pred, 'cue'),
      source: overlapRole(tokens, gold, pred, 'source'),
      content: overlapRole(tokens, gold, pred, 'content'),
    },
  };
}
