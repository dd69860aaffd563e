import type { Found } from './cues.js';
import type { Parsed } from './nlp.js';
import { phraseAfter } from './phrases.js';
import type { Range } from './spans.js';

/** A relay named by the medium the words came out in: "In a video released by the FSB, one of the men said …". */
export interface MediumRelay {
  name: string;
  cue: Range;
}

const MEDIUM =
  /\b(video|footage|recording|statement|transcript|post|broadcast|interview|letter|document|message|clip|audio)\s+(released|published|posted|aired|broadcast|shared|distributed|issued|circulated|obtained)\s+by\s+$/i;

export function mediumRelay(p: Parsed, f: Found): MediumRelay | null {
  if (!f.source) return null;
  const s = p.sentences[f.sentence];
  const sourceStart = p.tokens[f.source.first].start;
  for (let k = s.first; k < f.source.first; k++) {
    if (p.tokens[k].lower !== 'by') continue;
    const m = MEDIUM.exec(p.text.slice(s.start, p.tokens[k].end + 1));
    const phrase = phraseAfter(p, k + 1, false);
    if (!m || !phrase || p.tokens[phrase.last - 1].end > sourceStart) continue;
    const name = p.text.slice(p.tokens[phrase.first].start, p.tokens[phrase.last - 1].end).replace(/^the /i, '');
    return { name, cue: { start: s.start + m.index, end: p.tokens[k].end } };
  }
  return null;
}
