import type { Parsed, Token } from './nlp.js';

/** A token range [first, last) in the parsed text. */
export interface TokenRange {
  first: number;
  last: number;
}

const SKIP_BEFORE_VERB = new Set([
  'has',
  'have',
  'had',
  'is',
  'was',
  'were',
  'are',
  'will',
  'would',
  'could',
  'also',
  'reportedly',
  'previously',
  'later',
  'then',
  'repeatedly',
  'never',
  'not',
  "n't",
  'did',
  'does',
  'do',
  'may',
  'might',
  'can',
  'should',
  'must',
  'already',
  'once',
  'again',
  'publicly',
  'privately',
  'recently',
  'often',
  'frequently',
  'flatly',
  'quickly',
  'bluntly',
  'simply',
  'just',
  'even',
  'still',
  'been',
  'being',
  "'s",
  "'ve",
  "'d",
  "'ll",
  'had',
  'had',
  'shall',
  'only',
  'first',
  'last',
  'openly',
  'separately',
  'earlier',
  'subsequently',
  'initially',
  'immediately',
  'further',
  'told',
]);
const CLAUSE_WORDS = new Set([
  'that',
  'which',
  'because',
  'as',
  'when',
  'while',
  'if',
  'but',
  'so',
  'although',
  'though',
  'since',
  'after',
  'before',
  'where',
  'whether',
  'than',
  'until',
  'unless',
  'whereas',
]);
const RELATIVE = new Set(['who', 'which', 'whose', 'whom', 'where', 'speaking', 'citing']);
const STOP_PUNCT = /^[;:()“”"—–«»?!…]$|^--$|^\.\.\.$/;
const NOMINAL = new Set(['NOUN', 'PROPN', 'PRON', 'NUM']);

function isParticiple(t: Token, prev: Token | undefined, next: Token | undefined): boolean {
  return t.pos === 'VERB' && /(ed|en|wn)$/.test(t.lower) && !!prev && NOMINAL.has(prev.pos) && !!next && next.pos === 'ADP';
}

/** Walks left from `end` (exclusive) over one noun phrase segment, stopping at a clause boundary. */
function segmentLeft(p: Parsed, end: number, floor: number): number {
  const { tokens } = p;
  let k = end - 1;
  let bracket = 0;
  for (; k >= floor; k--) {
    const t = tokens[k];
    if (t.text === ']' || t.text === ')') {
      bracket++;
      continue;
    }
    if (t.text === '[' || t.text === '(') {
      if (bracket > 0) {
        bracket--;
        continue;
      }
      break;
    }
    if (bracket > 0) continue;
    if (t.text === ',' || STOP_PUNCT.test(t.text)) break;
    if (CLAUSE_WORDS.has(t.lower) && t.pos !== 'DET') break;
    if (t.lower === 'and' || t.lower === 'or') {
      const before = tokens[k - 1];
      if (!before || before.text === ',' || !NOMINAL.has(before.pos)) break;
      continue;
    }
    if (t.pos === 'VERB' || t.pos === 'AUX') {
      if (isParticiple(t, tokens[k - 1], tokens[k + 1])) continue;
      break;
    }
    if (end - k > 14) break;
  }
  let first = k + 1;
  // A leading preposition or adverb belongs to the clause, not to the subject ("On Monday Peskov said").
  while (
    first < end &&
    (tokens[first].pos === 'ADP' || tokens[first].pos === 'CCONJ' || tokens[first].pos === 'ADV' || tokens[first].pos === 'PUNCT')
  )
    first++;
  return first;
}

function hasNominal(p: Parsed, r: TokenRange): boolean {
  for (let k = r.first; k < r.last; k++) if (NOMINAL.has(p.tokens[k].pos) || p.tokens[k].lower === 'one') return true;
  return false;
}

/** The subject before a cue verb, with its appositive or relative clause ("A second source, who also requested anonymity,"). */
export function subjectBefore(p: Parsed, cue: number): TokenRange | null {
  const { tokens } = p;
  const floor = p.sentences[tokens[cue].sentence].first;
  let end = cue;
  const skippable = (t: Token): boolean =>
    (SKIP_BEFORE_VERB.has(t.lower) && t.text === t.lower) || (t.pos === 'ADV' && t.lower.endsWith('ly'));
  while (end - 1 >= floor && skippable(tokens[end - 1])) end--;
  if (end - 1 >= floor && tokens[end - 1].text === ',') {
    // "X, APPOSITIVE, said": the appositive segment, then the head before its opening comma.
    const appositiveEnd = end - 1;
    let comma = appositiveEnd - 1;
    while (comma >= floor && comma > appositiveEnd - 25 && tokens[comma].text !== ',' && !STOP_PUNCT.test(tokens[comma].text)) comma--;
    const appositiveStart = comma + 1;
    if (appositiveStart < appositiveEnd && comma >= floor && tokens[comma].text === ',') {
      const headStart = segmentLeft(p, comma, floor);
      const head = { first: headStart, last: comma };
      const apposition = tokens[appositiveStart];
      const plausible =
        RELATIVE.has(apposition.lower) ||
        apposition.pos === 'DET' ||
        NOMINAL.has(apposition.pos) ||
        apposition.pos === 'ADJ' ||
        apposition.pos === 'NUM';
      if (plausible && head.first < head.last && hasNominal(p, head)) return { first: headStart, last: appositiveEnd };
    }
    return null;
  }
  const first = segmentLeft(p, end, floor);
  const r = { first, last: end };
  return first < end && hasNominal(p, r) ? r : null;
}

const NP_POS = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'NUM', 'PRON', 'PART']);

/** The noun phrase that starts at `from` ("the source", "Dmitry Peskov, the Kremlin spokesman"), for inverted cues and "according to". */
export function phraseAfter(p: Parsed, from: number, withAppositive = true): TokenRange | null {
  const { tokens } = p;
  const sentence = p.sentences[tokens[from]?.sentence ?? 0];
  if (!tokens[from]) return null;
  const limit = sentence.last;
  let k = from;
  const np = (): void => {
    while (k < limit) {
      const t = tokens[k];
      if (
        NP_POS.has(t.pos) &&
        !(t.pos === 'PRON' && k > from && !/^(his|her|its|their|our|my|your)$/.test(t.lower) && tokens[k - 1].pos !== 'ADP')
      ) {
        k++;
        continue;
      }
      if (t.text === "'s" || t.text === '’s' || t.text === '’' || t.text === "'") {
        k++;
        continue;
      }
      if (t.lower === 'of' && tokens[k + 1] && NP_POS.has(tokens[k + 1].pos)) {
        k++;
        continue;
      }
      if ((t.text === '-' || t.text === '&') && tokens[k + 1] && tokens[k + 1].pos === 'PROPN') {
        k++;
        continue;
      }
      break;
    }
  };
  np();
  if (k === from) return null;
  const main = k;
  if (
    withAppositive &&
    k < limit &&
    tokens[k].text === ',' &&
    tokens[k + 1] &&
    (tokens[k + 1].pos === 'DET' || tokens[k + 1].pos === 'ADJ' || tokens[k + 1].pos === 'NOUN' || tokens[k + 1].pos === 'PROPN')
  ) {
    const save = k;
    k++;
    np();
    // Only an appositive that ends the clause: "said Peskov, the Kremlin spokesman." not a list.
    if (!(k >= limit || /^[.,;:!?]$/.test(tokens[k].text))) k = save;
    else if (k === save + 1) k = save;
  }
  // "said the tip-off lacked…" is not an inverted subject: a verb follows.
  const following = tokens[k];
  if (following && following.sentence === tokens[from].sentence && (following.pos === 'VERB' || following.pos === 'AUX')) return null;
  return { first: from, last: k === main ? main : k };
}
