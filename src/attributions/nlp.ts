import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// One pipeline for the process: loading the model costs ~100 ms, reading a document a few.
const nlp = winkNLP(model, ['sbd', 'pos']);
const its = nlp.its;

export interface Token {
  /** Position in the document's token list. */
  i: number;
  text: string;
  lower: string;
  lemma: string;
  pos: string;
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  sentence: number;
}

export interface Sentence {
  /** First and one-past-last token index. */
  first: number;
  last: number;
  start: number;
  end: number;
}

export interface Parsed {
  text: string;
  tokens: Token[];
  sentences: Sentence[];
}

export function parse(text: string): Parsed {
  const doc = nlp.readDoc(text);
  const values = doc.tokens().out() as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  // wink's typings declare `its.lemma` with the model's internal signature; at run time it is an ordinary token property.
  const lemmas = doc.tokens().out(its.lemma as unknown as typeof its.pos) as string[];
  const tokens: Token[] = [];
  // wink's token index → ours (white-space tokens are dropped), to map its sentence spans.
  const map = new Int32Array(values.length + 1);
  let cursor = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    map[i] = tokens.length;
    // wink keeps the text losslessly, so each token is found at or after the previous one's end.
    const at = text.indexOf(value, cursor);
    const start = at < 0 ? cursor : at;
    const end = at < 0 ? cursor : at + value.length;
    cursor = end;
    if (!value.trim()) continue;
    // Acronyms read as words by the tagger ("IS claimed", "the US has") are names.
    const tag = /^[A-Z]{2,}$/.test(value) && (pos[i] === 'AUX' || pos[i] === 'PRON' || pos[i] === 'VERB') ? 'PROPN' : pos[i];
    tokens.push({
      i: tokens.length,
      text: value,
      lower: value.toLowerCase(),
      lemma: (lemmas[i] ?? value).toLowerCase(),
      pos: tag,
      start,
      end,
      sentence: 0,
    });
  }
  map[values.length] = tokens.length;
  const sentences: Sentence[] = [];
  for (const [a, b] of doc.sentences().out(its.span) as unknown as [number, number][]) {
    const first = map[a];
    const last = map[b + 1];
    if (first >= last) continue;
    // A paragraph break always ends a sentence, even in a headline without a full stop.
    let from = first;
    for (let t = first + 1; t <= last; t++) {
      if (t === last || text.slice(tokens[t - 1].end, tokens[t].start).includes('\n\n')) {
        const index = sentences.length;
        for (let k = from; k < t; k++) tokens[k].sentence = index;
        sentences.push({ first: from, last: t, start: tokens[from].start, end: tokens[t - 1].end });
        from = t;
      }
    }
  }
  return { text, tokens, sentences };
}
