// A deliberately naive attribution finder, NOT the engine: direct quotes in curly or straight double quotes next
// to "said"/"says" and the capitalised words or pronoun beside it, and "X said (that) …" up to the sentence end.
// The benchmark scores it only when asked (`--engine=naive`), as a floor to read the engine's figures against.
import type { Range, ScoredAttribution } from './brat.js';

const CUE = '(?:said|says|told|added)';
const WHO = String.raw`(?:[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)*|he|she|they|[Hh]e|[Ss]he|[Tt]hey)`;

function cpRange(cuIndex: number[], start: number, end: number, text: string): Range {
  const s = cuIndex[start];
  const e = cuIndex[end];
  return { start: s, end: e, text: text.slice(start, end) };
}

export function naiveExtract(text: string): ScoredAttribution[] {
  // UTF-16 index → code-point index, since regexes report UTF-16 offsets.
  const cuIndex: number[] = new Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    cuIndex[i] = cp;
    const c = text.codePointAt(i)!;
    if (c > 0xffff) cuIndex[++i] = cp;
    cp++;
  }
  cuIndex[text.length] = cp;
  const out: ScoredAttribution[] = [];
  const taken: Array<[number, number]> = [];
  // “Quote,” said Who. / “Quote,” Who said.
  const after = new RegExp(String.raw`([“"][^”"]+[”"])\s*(?:(${CUE})\s+(${WHO})|(${WHO})\s+(${CUE}))`, 'g');
  for (const m of text.matchAll(after)) {
    const i = m.index!;
    const q = m[1];
    const cue = m[2] ?? m[5];
    const who = m[3] ?? m[4];
    const cueAt = text.indexOf(cue, i + q.length);
    const whoAt = m[3] ? text.indexOf(who, cueAt + cue.length) : text.indexOf(who, i + q.length);
    out.push({
      cue: cpRange(cuIndex, cueAt, cueAt + cue.length, text),
      sources: [cpRange(cuIndex, whoAt, whoAt + who.length, text)],
      contents: [cpRange(cuIndex, i, i + q.length, text)],
    });
    taken.push([i, i + m[0].length]);
  }
  // Who said (that) clause.
  const before = new RegExp(String.raw`(${WHO})\s+(${CUE})\s+((?:that\s+)?[^.“”"]+)\.`, 'g');
  for (const m of text.matchAll(before)) {
    const i = m.index!;
    if (taken.some(([s, e]) => i < e && s < i + m[0].length)) continue;
    const cueAt = i + m[1].length + m[0].slice(m[1].length).indexOf(m[2]);
    const contentAt = i + m[0].length - 1 - m[3].length;
    out.push({
      cue: cpRange(cuIndex, cueAt, cueAt + m[2].length, text),
      sources: [cpRange(cuIndex, i, i + m[1].length, text)],
      contents: [cpRange(cuIndex, contentAt, contentAt + m[3].length, text)],
    });
  }
  return out;
}
