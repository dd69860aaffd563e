// The own set is written in an inline markup and converted to the brat files the benchmark reads, so offsets are
// computed, never typed: `{s1|Dmitry Peskov}` marks a source of attribution 1, `{k1|said}` its cue, `{c1|…}` its
// content. Marks nest (a content holding another attribution), one text can play several roles
// (`{s2,s3|she}`), and a role marked twice is one discontinuous span (a quote interrupted by its cue).
// `npx tsx bench/attributions/inline.ts` rewrites every corpus/<name>.txt and .ann from corpus/<name>.inline;
// test/attribution-corpus.test.ts checks that the committed files are exactly what the markup gives.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Range, type ScoredAttribution, writeAnn } from './brat.js';

const ROLE = { k: 'cue', s: 'source', c: 'content' } as const;

export interface Converted {
  text: string;
  attributions: ScoredAttribution[];
}

/** Converts marked-up text; throws with the line of the first malformed mark. */
export function fromInline(marked: string): Converted {
  const cps = Array.from(marked);
  const out: string[] = [];
  const open: Array<{ roles: Array<[keyof typeof ROLE, string]>; start: number; line: number }> = [];
  const byId = new Map<string, { cue: Range[]; source: Range[]; content: Range[] }>();
  let line = 1;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c === '\n') line++;
    if (c === '{') {
      const bar = cps.indexOf('|', i);
      const spec = bar < 0 ? '' : cps.slice(i + 1, bar).join('');
      const roles = spec.split(',').map((r) => /^([ksc])(\d+)$/.exec(r.trim()));
      if (bar < 0 || roles.some((r) => !r)) throw new Error(`line ${line}: malformed mark "{${spec}|"`);
      open.push({ roles: roles.map((r) => [r![1] as keyof typeof ROLE, r![2]]), start: out.length, line });
      i = bar;
    } else if (c === '}') {
      const mark = open.pop();
      if (!mark) throw new Error(`line ${line}: "}" closes nothing`);
      for (const [role, id] of mark.roles) {
        const a = byId.get(id) ?? { cue: [], source: [], content: [] };
        a[ROLE[role]].push({ start: mark.start, end: out.length });
        byId.set(id, a);
      }
    } else out.push(c);
  }
  if (open.length) throw new Error(`line ${open[0].line}: mark left open`);
  const attributions: ScoredAttribution[] = [];
  for (const [id, a] of byId) {
    if (a.cue.length === 0) throw new Error(`attribution ${id} has no cue`);
    if (a.content.length === 0) throw new Error(`attribution ${id} has no content`);
    const cueFragments = a.cue.sort((x, y) => x.start - y.start);
    attributions.push({
      cue: { start: cueFragments[0].start, end: cueFragments[cueFragments.length - 1].end },
      cueFragments,
      sources: a.source.sort((x, y) => x.start - y.start),
      contents: a.content.sort((x, y) => x.start - y.start),
    });
  }
  // In reading order of the cue, as an annotator would go through the article.
  attributions.sort((x, y) => x.cue!.start - y.cue!.start);
  return { text: out.join(''), attributions };
}

/** The .txt and .ann a marked-up article stands for. */
export function toBrat(marked: string): { txt: string; ann: string } {
  const { text, attributions } = fromInline(marked);
  return { txt: text, ann: writeAnn(text, attributions) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = fileURLToPath(new URL('./corpus/', import.meta.url));
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.inline'))) {
    const name = f.slice(0, -'.inline'.length);
    const { txt, ann } = toBrat(readFileSync(join(dir, f), 'utf8'));
    writeFileSync(join(dir, `${name}.txt`), txt);
    writeFileSync(join(dir, `${name}.ann`), ann);
    console.log(`${name}: ${ann.split('\n').filter((l) => l.startsWith('E')).length} attributions`);
  }
}
