// Error analysis for tuning: the gold spans the engine missed and the spans it proposed that match no gold one,
// by the same exact-match rules the metrics use, each shown in its sentence with what the other side had there.
import { codePoints, type Range, type ScoredAttribution } from './brat.js';
import type { GoldDocument } from './corpus.js';
import { cueKey, cueSpans, overlaps, roleMatches, SPAN_TYPES, type SpanType, spansOf } from './metrics.js';

export interface ErrorItem {
  article: string;
  type: SpanType;
  kind: 'missed' | 'spurious';
  spans: Range[];
  cue: Range[];
  /** The other side's spans of this type on attributions whose cue overlaps this one's (what was found instead). */
  instead: Range[][];
}

export function collectErrors(doc: GoldDocument, pred: readonly ScoredAttribution[]): ErrorItem[] {
  const items: ErrorItem[] = [];
  const gold = doc.attributions;
  const cps = codePoints(doc.text);
  const key = (a: ScoredAttribution) => cueKey(a, cps);
  const side = (mine: readonly ScoredAttribution[], other: readonly ScoredAttribution[], kind: 'missed' | 'spurious') => {
    const otherCues = new Set(other.filter((a) => cueSpans(a).length).map(key));
    const seenCues = new Set<string>();
    for (const a of mine) {
      const cue = cueSpans(a);
      const near = other.filter((o) => overlaps(cueSpans(o), cue));
      if (cue.length && !otherCues.has(key(a)) && !seenCues.has(key(a))) {
        seenCues.add(key(a));
        items.push({ article: doc.article, type: 'cue', kind, spans: cue, cue, instead: near.map(cueSpans) });
      }
      for (const type of ['source', 'content'] as const) {
        const spans = spansOf(a, type);
        if (spans.length === 0) continue;
        const matched = other.some((o) => (kind === 'missed' ? roleMatches(o, a, type, cps) : roleMatches(a, o, type, cps)));
        if (!matched) items.push({ article: doc.article, type, kind, spans, cue, instead: near.map((o) => spansOf(o, type)) });
      }
    }
  };
  side(gold, pred, 'missed');
  side(pred, gold, 'spurious');
  return items;
}

const flat = (s: string) => s.replace(/\s+/g, ' ');

/** The spans in ⟦ ⟧ with up to `width` code points of context either side, on one line. */
export function showInContext(text: string, spans: readonly Range[], width = 60): string {
  const cps = codePoints(text);
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const from = Math.max(0, sorted[0].start - width);
  const to = Math.min(cps.length, sorted[sorted.length - 1].end + width);
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += cps.slice(at, s.start).join('') + '⟦' + cps.slice(s.start, s.end).join('') + '⟧';
    at = s.end;
  }
  out += cps.slice(at, to).join('') + (to < cps.length ? '…' : '');
  return flat(out);
}

function quote(text: string, spans: readonly Range[]): string {
  const cps = codePoints(text);
  return spans.length ? spans.map((s) => flat(cps.slice(s.start, s.end).join(''))).join(' ‖ ') : '∅';
}

/** Prints up to `limit` missed and `limit` spurious items per span type. */
export function printErrors(items: readonly ErrorItem[], texts: ReadonlyMap<string, string>, limit: number, log = console.log): void {
  for (const type of SPAN_TYPES) {
    for (const kind of ['missed', 'spurious'] as const) {
      const these = items.filter((i) => i.type === type && i.kind === kind);
      log(`\n### ${kind} ${type} spans: ${Math.min(limit, these.length)} of ${these.length}`);
      for (const item of these.slice(0, limit)) {
        const text = texts.get(item.article) ?? '';
        const other = kind === 'missed' ? 'predicted' : 'gold';
        log(`- ${item.article}: ${showInContext(text, item.spans)}`);
        if (type !== 'cue') log(`    cue: ${quote(text, item.cue)}`);
        log(
          `    ${other} there: ${item.instead.length ? item.instead.map((s) => quote(text, s)).join(' | ') : '(no attribution with an overlapping cue)'}`,
        );
      }
    }
  }
}
