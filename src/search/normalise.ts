// Text as a fact-checker pastes it and text as it was stored rarely agree character for character: curly or
// straight quotes, dashes, ellipses, case, whitespace, a reporter's [insertions]. Both sides go through the
// same folding here, and FTS5 only ever sees tokens this module produced and quoted itself.

import { memoize } from '../shared/memoize.js';

/** Tokens of a query used for retrieval; the rest of a very long paste only counts in re-ranking. */
export const MAX_QUERY_TOKENS = 64;

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u02BC\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u00AB\u00BB\u2039\u203A\u300C\u300D]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
// Format characters (zero-width spaces and joiners, soft hyphens, bidi marks) vanish: they join what they split.
const FORMAT = /\p{Cf}/gu;
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const MARKS = /\p{M}+/gu;
const BRACKETED = /\[[^[\]]{0,300}\]/g;

// Printable ASCII with single spaces needs no folding: the common case takes no Unicode work at all.
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: any ASCII, control characters included, takes the fast path
const ASCII = /^[\x00-\x7f]*$/;

/** Typographic folding that keeps the text readable: quotes, dashes, ellipses, whitespace. */
export function normaliseText(input: string): string {
  if (PLAIN.test(input)) return input;
  return input
    .normalize('NFKC') // also turns … into ... and full-width letters into ASCII
    .replace(FORMAT, '')
    .replace(CONTROL, ' ')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Drops a reporter's bracketed insertions ("They [the members of Isis-K] were…"), unless nothing else is left. */
export function dropBracketed(text: string): string {
  if (!text.includes('[')) return text;
  const dropped = text.replace(BRACKETED, ' ').replace(/\s+/g, ' ').trim();
  return wordTokens(dropped).length > 0 ? dropped : text;
}

/** Lower case with diacritics removed, like the index's unicode61 tokenizer with remove_diacritics 2. */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(MARKS, '').toLowerCase();
}

/** Runs of letters and digits, folded: the words unicode61 sees. */
export function wordTokens(text: string): string[] {
  if (ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const folded = fold(text);
  const out: string[] = [];
  scanTokens(folded, (start, end) => {
    out.push(folded.slice(start, end));
  });
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

// A hand-rolled scan: a Unicode-property regex over a whole text costs several times more.
function scanTokens(text: string, emit: (start: number, end: number) => void): void {
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let word: boolean;
    if (c < 128) word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      word = WORD_CHAR.test(text.slice(i, i + 2));
      if (word && start === -1) start = i;
      if (!word && start !== -1) {
        emit(start, i);
        start = -1;
      }
      i++;
      continue;
    } else word = WORD_CHAR.test(text[i]);
    if (word && start === -1) start = i;
    else if (!word && start !== -1) {
      emit(start, i);
      start = -1;
    }
  }
  if (start !== -1) emit(start, text.length);
}

/**
 * A light English suffix-stripper, used only to compare words in re-ranking and highlighting (the index
 * itself stems with Porter): "weapons" and "weapon", "attacked" and "attack" compare equal.
 */
export function stem(token: string): string {
  if (token.length <= 3) return token;
  let t = token;
  if (t.endsWith('ies') && t.length > 4) t = t.slice(0, -3) + 'y';
  else if (t.endsWith('sses')) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
  if (t.length > 5 && t.endsWith('ing')) t = t.slice(0, -3);
  else if (t.length > 4 && t.endsWith('ed')) t = t.slice(0, -2);
  else if (t.length > 4 && t.endsWith('ly')) t = t.slice(0, -2);
  if (t.length > 4 && t.endsWith('e')) t = t.slice(0, -1);
  return t;
}

/** stem(), worked out once per word: statements repeat a small vocabulary (bounded, cleared when full). */
export const stemmed = memoize(stem, 50_000);

/** A string literal for an FTS5 MATCH expression: the only way any user text reaches FTS5. */
export function ftsString(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves said says say s t`.split(/\s+/),
);

export const isStopword = (token: string) => STOPWORDS.has(token);
const isSmallStopword = (token: string) => token.length <= 3 && STOPWORDS.has(token);

export interface PreparedQuery {
  /** The query after typographic folding and dropping bracketed insertions. */
  normalised: string;
  /** Folded word tokens, in order (all of them, for re-ranking). */
  tokens: string[];
  /** Distinct tokens used for retrieval, at most MAX_QUERY_TOKENS. */
  retrieval: string[];
  /** Whether tokens beyond MAX_QUERY_TOKENS were left out of retrieval. */
  truncated: boolean;
  /** Letter-and-digit runs of three characters or more, for the trigram index. */
  fragments: string[];
}

export function prepareQuery(q: string): PreparedQuery {
  const normalised = dropBracketed(normaliseText(q));
  const tokens = wordTokens(normalised);
  const distinct = [...new Set(tokens)];
  const fragments = [...new Set(tokens.filter((t) => t.length >= 3))];
  return {
    normalised,
    tokens,
    retrieval: distinct.slice(0, MAX_QUERY_TOKENS),
    truncated: distinct.length > MAX_QUERY_TOKENS,
    fragments,
  };
}

/**
 * How well a statement's words match the pasted words, from 0 to 1: mostly how much of the query appears
 * in the statement in order (longest common subsequence), then the longest run of consecutive words, then
 * how much of the statement the match covers (so the statement that *is* the quote beats one quoting it).
 */
export function similarity(queryStems: string[], docStems: string[]): number {
  const q = queryStems.length;
  const d = docStems.length;
  if (q === 0 || d === 0) return 0;
  const inQuery = new Set(queryStems);
  // Words absent from the query never match: leave them out of the subsequence table.
  const docMatched = docStems.filter((t) => inQuery.has(t));
  const lcs = lcsLength(queryStems, docMatched);
  const run = d <= 2000 ? longestRun(queryStems, docStems) : 0;
  return 0.6 * (lcs / q) + 0.25 * (run / q) + 0.15 * (lcs / d);
}

function lcsLength(a: string[], b: string[]): number {
  if (b.length === 0) return 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function longestRun(a: string[], b: string[]): number {
  let best = 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : 0;
      if (cur[j] > best) best = cur[j];
    }
    [prev, cur] = [cur, prev];
  }
  return best;
}

/** How surely a statement is the pasted text: the class a reader sees next to each result. */
export type MatchClass = 'verbatim' | 'near' | 'partial' | 'weak';
export const MATCH_CLASSES: MatchClass[] = ['verbatim', 'near', 'partial', 'weak'];

// Share of words, in order, that one side must find in the other.
const NEAR = 0.75;

/**
 * The match class from coverage both ways (words compared by stem, in order): verbatim when every pasted
 * word appears as one run and that run is (nearly) the whole statement; near when most of the pasted text
 * is found and it covers most of the statement (a word or two changed); partial when one side is mostly
 * found in the other (a fragment of the statement, or the statement inside a longer paste); weak otherwise
 * (a few shared words).
 */
export function matchClass(queryStems: string[], docStems: string[]): MatchClass {
  const q = queryStems.length;
  const d = docStems.length;
  if (q === 0 || d === 0) return 'weak';
  const inQuery = new Set(queryStems);
  const lcs = lcsLength(
    queryStems,
    docStems.filter((t) => inQuery.has(t)),
  );
  const ofQuery = lcs / q;
  const ofStatement = lcs / d;
  if (ofStatement >= 0.9 && d <= 2000 && longestRun(queryStems, docStems) === q) return 'verbatim';
  if (ofQuery >= NEAR && ofStatement >= NEAR) return 'near';
  if (ofQuery >= NEAR || ofStatement >= NEAR) return 'partial';
  return 'weak';
}

export interface Highlight {
  start: number;
  end: number;
}

export interface Snippet {
  text: string;
  highlights: Highlight[];
}

// Texts repeat a few characters beyond ASCII (curly quotes, dashes, accented letters): each is folded once.
const foldChar = memoize(fold, 10_000);

/** Folds text character by character, remembering where each folded character came from. */
function foldWithMap(text: string): { folded: string; from: number[] } {
  const from: number[] = [];
  if (ASCII.test(text)) {
    for (let i = 0; i <= text.length; i++) from.push(i);
    return { folded: text.toLowerCase(), from };
  }
  const parts: string[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      // A run of ASCII at once: news text is mostly ASCII between its curly quotes and dashes.
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) < 128) end++;
      parts.push(text.slice(i, end).toLowerCase());
      while (i < end) from.push(i++);
      continue;
    }
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    const f = foldChar(text.slice(i, i + width));
    for (let k = 0; k < f.length; k++) from.push(i);
    parts.push(f);
    i += width;
  }
  from.push(text.length);
  return { folded: parts.join(''), from };
}

/**
 * Marks in a stored text the words (compared by stem) or the substrings that matched, joins marks
 * separated only by spaces and punctuation, and cuts a window around the densest stretch when long.
 */
export function highlight(
  text: string,
  match: { stems?: Set<string>; prefixes?: string[]; fragments?: string[] },
  maxLength = 280,
): Snippet & { marked: number } {
  const { folded, from } = foldWithMap(text);
  const spans: Array<Highlight & { small?: boolean }> = [];
  if (match.stems || match.prefixes) {
    scanTokens(folded, (a, b) => {
      const tok = folded.slice(a, b);
      const hit = (match.stems?.has(stemmed(tok)) ?? false) || (match.prefixes?.some((p) => tok.startsWith(p)) ?? false);
      if (hit) spans.push({ start: from[a], end: from[b], small: isSmallStopword(tok) });
    });
  }
  for (const frag of match.fragments ?? []) {
    if (!frag) continue;
    for (let at = folded.indexOf(frag); at !== -1; at = folded.indexOf(frag, at + frag.length)) {
      spans.push({ start: from[at], end: from[at + frag.length] });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const joined: Array<Highlight & { small?: boolean }> = [];
  for (const s of spans) {
    const last = joined[joined.length - 1];
    if (last && (s.start <= last.end || /^[^\p{L}\p{N}]{0,3}$/u.test(text.slice(last.end, s.start)))) {
      last.end = Math.max(last.end, s.end);
      last.small = last.small && s.small;
    } else joined.push({ ...s });
  }
  // "the", "of", "a" marked on their own are noise: they stay marked only inside a run of matched words.
  const merged: Highlight[] = joined.filter((s) => !s.small).map((s) => ({ start: s.start, end: s.end }));
  const marked = merged.reduce((n, s) => n + s.end - s.start, 0);
  if (text.length <= maxLength) return { text, highlights: merged, marked };

  // The window of maxLength characters holding the most marked characters, widened to word boundaries.
  let bestStart = 0;
  let best = -1;
  for (const s of merged.length ? merged : [{ start: 0, end: 0 }]) {
    const start = Math.max(0, Math.min(s.start - 40, text.length - maxLength));
    const end = start + maxLength;
    let n = 0;
    for (const t of merged) n += Math.max(0, Math.min(end, t.end) - Math.max(start, t.start));
    if (n > best) {
      best = n;
      bestStart = start;
    }
  }
  let start = bestStart;
  let end = Math.min(text.length, start + maxLength);
  while (start > 0 && start > bestStart - 20 && /[\p{L}\p{N}]/u.test(text[start - 1])) start--;
  while (end < text.length && end < bestStart + maxLength + 20 && /[\p{L}\p{N}]/u.test(text[end])) end++;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const highlights = merged
    .filter((s) => s.end > start && s.start < end)
    .map((s) => ({ start: Math.max(s.start, start) - start + prefix.length, end: Math.min(s.end, end) - start + prefix.length }));
  return { text: prefix + text.slice(start, end) + suffix, highlights, marked };
}
