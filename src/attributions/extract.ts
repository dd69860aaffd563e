import { type Found, findCues } from './cues.js';
import { isKnownOutlet } from './lexicon.js';
import { mediumRelay } from './media.js';
import { parse } from './nlp.js';
import { findQuotes, type Quote } from './quotes.js';
import { hopName, inheritRelays, type Linked, nestingParents } from './relays.js';
import { type Mention, resolveSpeaker } from './speaker.js';
import { CodePoints, type Range, trim } from './spans.js';
import type { Attribution, TextForm, ViaHop } from './types.js';

export type { Attribution, Span, Speaker, ViaHop } from './types.js';

const QUOTE_CHARS = /[“”"«»`']/;

function textFormOf(text: string, contents: Range[]): TextForm {
  const quoted = contents.map((c) => QUOTE_CHARS.test(text[c.start]) && QUOTE_CHARS.test(text[c.end - 1]));
  if (quoted.every(Boolean)) return 'quote';
  return contents.some((c) => /[“”"«»]|''|``/.test(text.slice(c.start, c.end))) ? 'mixed' : 'paraphrase';
}

/** A quote right after an attributed quote, with no cue of its own, continues it ("“A,” he said. “B.”"). */
function attachContinuations(text: string, found: Found[], quotes: Quote[]): void {
  const covered = (q: Quote): boolean =>
    found.some(
      (f) => f.contents.some((c) => c.start <= q.start && q.end <= c.end) || (f.cue && f.cue.start >= q.start && f.cue.end <= q.end),
    );
  const byEnd = [...found].sort((a, b) => a.contents[a.contents.length - 1].end - b.contents[b.contents.length - 1].end);
  for (const q of quotes) {
    if (covered(q)) continue;
    const prev = [...byEnd].reverse().find((f) => f.contents[f.contents.length - 1].end <= q.start || (f.cue && f.cue.end <= q.start));
    if (!prev) continue;
    const last = Math.max(prev.contents[prev.contents.length - 1].end, prev.cue?.end ?? 0);
    const gap = text.slice(last, q.start);
    if (/^[^\n“”"]{0,3}\s*$/.test(gap) && QUOTE_CHARS.test(text[prev.contents[prev.contents.length - 1].start])) prev.contents.push(q);
  }
}

function confidenceOf(l: Linked, form: TextForm): number {
  let c = form === 'paraphrase' ? 0.7 : 0.9;
  if (l.found.weak) c -= 0.2;
  if (l.resolved.anaphoric) c -= 0.1;
  if (l.resolved.speaker.identityStatus === 'unidentified' && !l.resolved.speaker.description) c -= 0.2;
  return Math.max(0.1, Math.round(c * 100) / 100);
}

/** Reads an English news text and returns who said what in it, through whom, with code-point spans. */
export function extractAttributions(text: string): Attribution[] {
  if (!text.trim()) return [];
  const parsed = parse(text);
  const quotes = findQuotes(text);
  const found = findCues(parsed, quotes);
  attachContinuations(text, found, quotes);
  found.sort((a, b) => (a.cue?.start ?? 0) - (b.cue?.start ?? 0));

  const history: Mention[] = [];
  const linked: Linked[] = found.map((f) => {
    const resolved = resolveSpeaker(parsed, f.source!, history);
    // "Reuters reported", "The Post wrote": a named reporter of news is an outlet.
    const outlet = resolved.outlet || (resolved.speaker.identityStatus === 'named' && f.lemma === 'report');
    const mention: Mention = {
      speaker: resolved.speaker,
      head: resolved.head,
      plural: resolved.plural,
      outlet,
      sentence: f.sentence,
      via: [],
    };
    if (!resolved.anaphoric) history.push(mention);
    let recipient: Linked['recipient'] = null;
    if (f.recipient && f.cue) {
      const r = f.recipient;
      const name = text.slice(parsed.tokens[r.first].start, parsed.tokens[r.last - 1].end).replace(/^the /i, '');
      if (isKnownOutlet(name)) recipient = { name, cue: { start: f.cue.start, end: parsed.tokens[r.last - 1].end } };
    }
    recipient ??= mediumRelay(parsed, f);
    return { found: f, resolved, mention, recipient, parent: null, inheritedFrom: null };
  });
  nestingParents(linked);
  inheritRelays(linked);

  const cp = new CodePoints(text);
  const vias = new Map<number, ViaHop[]>();
  const viaOf = (i: number, depth = 0): ViaHop[] => {
    const known = vias.get(i);
    if (known) return known;
    const l = linked[i];
    const hops: ViaHop[] = [];
    if (l.recipient) hops.push({ name: l.recipient.name, cue: cp.span(l.recipient.cue.start, l.recipient.cue.end) });
    if (depth < 10 && l.parent !== null) {
      const parent = linked[l.parent];
      hops.push({
        name: hopName(parent.resolved.speaker),
        cue: parent.found.cue ? cp.span(parent.found.cue.start, parent.found.cue.end) : null,
      });
      hops.push(...viaOf(l.parent, depth + 1));
    } else if (depth < 10 && l.inheritedFrom !== null) {
      const from = linked[l.inheritedFrom];
      if (from.mention.outlet)
        hops.push({ name: hopName(from.resolved.speaker), cue: from.found.cue ? cp.span(from.found.cue.start, from.found.cue.end) : null });
      hops.push(...viaOf(l.inheritedFrom, depth + 1));
    }
    vias.set(i, hops);
    return hops;
  };

  return linked.map((l, i) => {
    const contents = l.found.contents.map((c) => trim(text, c)).filter((c) => c.end > c.start);
    const form = textFormOf(text, contents);
    const source = l.found.source!;
    const sourceRange = trim(text, { start: parsed.tokens[source.first].start, end: parsed.tokens[source.last - 1].end }, /[\s,]/);
    return {
      cue: l.found.cue ? cp.span(l.found.cue.start, l.found.cue.end) : null,
      sources: [cp.span(sourceRange.start, sourceRange.end)],
      contents: contents.map((c) => cp.span(c.start, c.end)),
      textForm: form,
      hedge: l.found.hedge,
      speaker: l.resolved.speaker,
      via: viaOf(i),
      confidence: confidenceOf(l, form),
    };
  });
}
