// The benchmark's own annotated set (bench/attributions/corpus): every annotation is checked against its text, and
// the committed .txt and .ann are exactly what the inline markup they were written in gives.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOwnSet } from '../bench/attributions/corpus.js';
import { toBrat } from '../bench/attributions/inline.js';

const DIR = fileURLToPath(new URL('../bench/attributions/corpus/', import.meta.url));
const docs = loadOwnSet();

describe('own attribution corpus', () => {
  it('has at least 15 annotated articles of 300 to 900 words', () => {
    assert.ok(docs.length >= 15, `${docs.length} articles`);
    for (const d of docs) {
      const words = d.text.split(/\s+/).filter(Boolean).length;
      assert.ok(words >= 300 && words <= 900, `${d.article}: ${words} words`);
      assert.ok(d.attributions.length >= 5, `${d.article}: ${d.attributions.length} attributions`);
    }
  });

  it('has every span inside its text and covering the text its line records', () => {
    for (const d of docs) assert.deepEqual(d.problems, [], d.article);
  });

  it('gives every attribution a cue and a content, spans ending on a word and never spilling over a paragraph', () => {
    for (const d of docs) {
      const cps = Array.from(d.text);
      for (const a of d.attributions) {
        assert.ok(a.cue && a.contents.length, `${d.article}: attribution without cue or content`);
        for (const s of [...(a.cueFragments ?? []), ...a.sources, ...a.contents]) {
          const covered = cps.slice(s.start, s.end).join('');
          assert.equal(covered, covered.trim(), `${d.article}: span "${covered}" starts or ends with a space`);
          assert.ok(!covered.includes('\n'), `${d.article}: span "${covered}" crosses a line break`);
        }
      }
    }
  });

  it('is exactly what its inline markup converts to', () => {
    const marked = readdirSync(DIR).filter((f) => f.endsWith('.inline'));
    assert.equal(marked.length, docs.length);
    for (const f of marked) {
      const name = f.slice(0, -'.inline'.length);
      const { txt, ann } = toBrat(readFileSync(join(DIR, f), 'utf8'));
      assert.equal(readFileSync(join(DIR, `${name}.txt`), 'utf8'), txt, `${name}.txt`);
      assert.equal(readFileSync(join(DIR, `${name}.ann`), 'utf8'), ann, `${name}.ann`);
    }
  });
});
