import { hedgeOf, WEAK_LEMMAS } from './lexicon.js';
import type { Parsed, Sentence } from './nlp.js';
import { phraseAfter, subjectBefore, type TokenRange } from './phrases.js';
import { type Quote, quoteAt } from './quotes.js';
import type { Range } from './spans.js';
import type { CueHedge } from './types.js';

/** One attribution as first found: UTF-16 ranges and token ranges, before speakers and relays are worked out. */
export interface Found {
  cue: Range | null;
  cueToken: number;
  lemma: string;
  hedge: CueHedge | null;
  weak: boolean;
  source: TokenRange | null;
  /** "told Reuters": whom the speaker said it to. */
  recipient: TokenRange | null;
  contents: Range[];
  sentence: number;
}

const RECIPIENT_VERBS = new Set(['tell', 'inform', 'assure', 'ask', 'warn', 'urge', 'brief']);
const CLOSE_MARK = /[”"»]$|''$/;

function tokensEnd(p: Parsed, r: TokenRange): number {
  return p.tokens[r.last - 1].end;
}

/** The quote that closes just before `offset`, with nothing but commas, dashes and spaces between. */
function quoteEndingBefore(p: Parsed, quotes: Quote[], offset: number): Quote | undefined {
  for (let k = quotes.length - 1; k >= 0; k--) {
    const q = quotes[k];
    if (q.end > offset) continue;
    const gap = p.text.slice(q.end, offset);
    return /^[\s,—–-]*$/.test(gap) && !gap.includes('\n\n') ? q : undefined;
  }
  return undefined;
}

/** The first token starting at or after a UTF-16 offset (binary search: cues are many in long texts). */
function firstTokenAt(p: Parsed, offset: number): number {
  let lo = 0;
  let hi = p.tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p.tokens[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The quote that opens soon after `offset`, past a colon, comma, "that" or a short adverbial ("on Monday:"). */
function quoteStartingAfter(p: Parsed, quotes: Quote[], offset: number): Quote | undefined {
  const q = quotes.find((x) => x.start >= offset);
  if (!q) return undefined;
  const gap = p.text.slice(offset, q.start);
  if (gap.length > 60 || /[.!?]\s|\n\n/.test(gap)) return undefined;
  // Any verb in between means the quote belongs to another clause.
  for (let k = firstTokenAt(p, offset); k < p.tokens.length && p.tokens[k].start < q.start; k++) {
    if (p.tokens[k].pos === 'VERB' || p.tokens[k].pos === 'AUX') return undefined;
  }
  return q;
}

function sentenceEndRange(p: Parsed, fromToken: number): Range | null {
  const s = p.sentences[p.tokens[fromToken].sentence];
  let last = s.last - 1;
  // A semicolon ends the reported clause: what follows is the writer's own.
  // So does ", and" before a new subject ("…, and the US has attributed the attack").
  for (let k = fromToken; k < s.last; k++) {
    const t = p.tokens[k];
    const next = p.tokens[k + 1];
    const after = p.tokens[k + 2];
    const newClause =
      t.text === ',' && next && (next.lower === 'and' || next.lower === 'but') && after && /^(DET|PROPN|PRON)$/.test(after.pos);
    if (t.text === ';' || newClause) {
      last = k - 1;
      break;
    }
  }
  while (last >= fromToken && /^[.!?;]+$/.test(p.tokens[last].text)) last--;
  if (last < fromToken) return null;
  return { start: p.tokens[fromToken].start, end: p.tokens[last].end };
}

function hasVerb(p: Parsed, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (p.tokens[k].pos === 'VERB' || p.tokens[k].pos === 'AUX') return true;
  return false;
}

/** What a cue attributes when no quote is attached: the clause after it, or the clause before "…, X said." */
function reportedClause(p: Parsed, s: Sentence, afterToken: number, sourceStart: number, quotes: Quote[], weak: boolean): Range | null {
  const { tokens } = p;
  let from = afterToken;
  let that = false;
  // Skip a short adverbial up to "that" ("reported on Monday that").
  for (let k = afterToken; k < Math.min(afterToken + 6, s.last); k++) {
    if (tokens[k].lower === 'that') {
      if (!hasVerb(p, afterToken, k)) {
        from = k;
        that = true;
      }
      break;
    }
  }
  // Verbs of stance and weak verbs of speech carry a clause only with "that" ("warned that …", not "warned Russia").
  if (weak && !that) return null;
  if (from < s.last && tokens[from].text === ',') from++;
  if (from < s.last && (hasVerb(p, from, s.last) || (s.last - from >= 3 && tokens[from].pos !== 'ADP'))) {
    const r = sentenceEndRange(p, from);
    // Inside a quote the reported clause ends where the quote does ("“… One said some had travelled,” said the source").
    const enclosing = r && quotes.find((q) => q.start < r.start && r.start < q.end);
    if (r && enclosing && enclosing.end < r.end + 1) {
      let end = enclosing.end - 1;
      while (end > r.start && /[\s,.;:!?”"»…]/.test(p.text[end - 1])) end--;
      return { start: r.start, end };
    }
    if (r) {
      // A quote that opens inside the clause carries on to its close.
      const open = quotes.find((q) => q.start >= r.start && q.start < r.end && q.end > r.end);
      return open ? { start: r.start, end: open.end } : r;
    }
  }
  // "…, X said." The clause before the source, without its comma.
  if (sourceStart > s.first) {
    let end = sourceStart - 1;
    while (end >= s.first && /^[,—–-]$/.test(tokens[end].text)) end--;
    if (end >= s.first && end < sourceStart - 1) return { start: tokens[s.first].start, end: tokens[end].end };
  }
  return null;
}

function accordingTo(p: Parsed, k: number, quotes: Quote[]): Found | null {
  const { tokens } = p;
  const s = p.sentences[tokens[k].sentence];
  const source = phraseAfter(p, k + 2, false);
  if (!source) return null;
  let content: Range | null = null;
  const before = k - 1;
  if (before < s.first || (before === s.first && tokens[before].pos === 'ADV')) {
    let after = source.last;
    if (after < s.last && tokens[after].text === ',') after++;
    if (after < s.last) content = sentenceEndRange(p, after);
  } else {
    let end = k - 1;
    while (end >= s.first && /^[,—–-]$/.test(tokens[end].text)) end--;
    if (end >= s.first) content = { start: tokens[s.first].start, end: tokens[end].end };
    const q = content && quoteAt(quotes, content.start);
    if (q && content && q.end > content.end && q.start === content.start) content = null;
  }
  if (!content) return null;
  return {
    cue: { start: tokens[k].start, end: tokens[k + 1].end },
    cueToken: k,
    lemma: 'according to',
    hedge: 'said',
    weak: false,
    source,
    recipient: null,
    contents: [content],
    sentence: tokens[k].sentence,
  };
}

function verbCue(p: Parsed, c: number, quotes: Quote[]): Found | null {
  const { tokens } = p;
  const t = tokens[c];
  const hedge = hedgeOf(t.lemma);
  if (!hedge || t.pos !== 'VERB') return null;
  if (tokens[c - 1]?.lower === 'to') return null;
  const s = p.sentences[t.sentence];
  let source = subjectBefore(p, c);
  let regionEnd = t.end;
  let regionStart = source ? tokens[source.first].start : t.start;
  let recipient: TokenRange | null = null;
  let next = c + 1;
  if (!source) {
    const prev = tokens[c - 1];
    const inverted =
      !prev || prev.sentence !== t.sentence || prev.text === ',' || CLOSE_MARK.test(prev.text) || !!quoteEndingBefore(p, quotes, t.start);
    if (inverted && next < s.last) {
      const after = phraseAfter(p, next);
      if (after && tokens[after.first].pos !== 'ADP') {
        source = after;
        regionEnd = tokensEnd(p, after);
        next = after.last;
      }
    }
  }
  if (RECIPIENT_VERBS.has(t.lemma) && next < s.last && next === c + 1) {
    const r = phraseAfter(p, next, false);
    if (r && r.last - r.first <= 5 && tokens[r.first].lower !== 'that') {
      recipient = r;
      regionEnd = tokensEnd(p, r);
      next = r.last;
    }
  }
  regionStart = Math.min(regionStart, t.start);
  const contents: Range[] = [];
  const inside = quoteAt(quotes, t.start);
  // Inside a quote, "I know", "you see", "we think" are the speaker's own words, not a report of someone else's.
  if (inside && (WEAK_LEMMAS.has(t.lemma) || (source && source.last - source.first === 1 && FIRST_SECOND.test(tokens[source.first].lower))))
    return null;
  // "X continued: “…”": a colon points forward, whatever quote came before.
  const before = tokens[c + 1]?.text === ':' ? undefined : quoteEndingBefore(p, quotes, regionStart);
  if (before && before !== inside) {
    contents.push(before);
    const again = quotes.find((q) => q.start >= regionEnd);
    if (again && /^[\s,:—–-]*$/.test(p.text.slice(regionEnd, again.start)) && p.text.slice(regionEnd, again.start).includes(','))
      contents.push(again);
  } else {
    const after = quoteStartingAfter(p, quotes, regionEnd);
    if (after && after !== inside) contents.push(after);
    else {
      const clause = reportedClause(p, s, next, source ? Math.min(source.first, c) : c, quotes, WEAK_LEMMAS.has(t.lemma));
      if (clause) contents.push(clause);
    }
  }
  if (!contents.length || !source) return null;
  // The cue keeps its auxiliaries and adverbs ("has also said"), as annotators mark it.
  let first = c;
  if (source.last <= c) while (first - 1 >= source.last && tokens[first - 1].text !== ',') first--;
  let last = c + 1;
  // "…,” Boistard said in a statement.": with the content before it, the cue runs on over its adverbial.
  if (source.first < c && contents[0].end <= tokens[first].start) last = trailingAdverbial(p, c + 1, s.last);
  return {
    cue: { start: tokens[first].start, end: tokens[last - 1].end },
    cueToken: c,
    lemma: t.lemma,
    hedge,
    weak: WEAK_LEMMAS.has(t.lemma),
    source,
    recipient,
    contents,
    sentence: t.sentence,
  };
}

const FIRST_SECOND = /^(i|we|you)$/;
const TIME_WORD =
  /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|earlier|later|recently|then|again|last|this|once|repeatedly)$/;

/** The end of an adverbial after a cue that runs to the sentence's end ("in a statement", "on Twitter", "Wednesday"). */
function trailingAdverbial(p: Parsed, from: number, sentenceLast: number): number {
  const { tokens } = p;
  let end = sentenceLast;
  while (end > from && /^[.!?”"]+$/.test(tokens[end - 1].text)) end--;
  if (end === from || end - from > 10) return from;
  const head = tokens[from];
  if (head.pos !== 'ADP' && !TIME_WORD.test(head.lower)) return from;
  for (let k = from; k < end; k++) {
    const t = tokens[k];
    if (t.pos === 'VERB' || t.pos === 'AUX' || /^[“”",;:]$/.test(t.text) || t.lower === 'that') return from;
  }
  return end;
}

/** Every cue of the text with its source and content ranges, in text order. */
export function findCues(p: Parsed, quotes: Quote[]): Found[] {
  const found: Found[] = [];
  const { tokens } = p;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.lower === 'according' && tokens[k + 1]?.lower === 'to') {
      const f = accordingTo(p, k, quotes);
      if (f) found.push(f);
      continue;
    }
    const f = verbCue(p, k, quotes);
    if (f) found.push(f);
  }
  return found;
}
