import assert from 'node:assert/strict';
import { parseAnn, type Range, type ScoredAttribution, writeAnn } from '../bench/attributions/brat.js';
import { collectErrors } from '../bench/attributions/errors.js';
import { fromInline } from '../bench/attributions/inline.js';
import { addScores, emptyScores, normalise, prf, scoreDocument, tokenize } from '../bench/attributions/metrics.js';

/** The code-point range of the n-th occurrence of `sub` in `text`. */
function at(text: string, sub: string, nth = 0): Range {
  let cu = -1;
  for (let i = 0; i <= nth; i++) {
    cu = text.indexOf(sub, cu + 1);
    if (cu < 0) throw new Error(`"${sub}" not found`);
  }
  const start = Array.from(text.slice(0, cu)).length;
  return { start, end: start + Array.from(sub).length };
}

const attr = (cue: Range | null, sources: Range[], contents: Range[]): ScoredAttribution => ({ cue, sources, contents });

const TEXT =
  '“We have no comment,” said Dmitry Peskov, the Kremlin spokesman. Three sources told Reuters that the men had travelled. “It is over,” one said, “and nobody will talk.” 🇷🇺 Officials believe the plan failed.';

describe('attribution metrics', () => {
  describe('tokens', () => {
    it('are whitespace-separated words with code-point offsets', () => {
      const text = ' 👍🏽 ok\n\tgo ';
      assert.deepEqual(tokenize(text), [
        { start: 1, end: 3 },
        { start: 4, end: 6 },
        { start: 8, end: 10 },
      ]);
    });
  });

  describe('span lists', () => {
    const text = 'Ted Cruz.  That is new, he said.';
    const cps = Array.from(text);
    it('are sorted, trimmed and joined across whitespace-only gaps', () => {
      assert.deepEqual(
        normalise(
          [
            { start: 11, end: 23 },
            { start: 0, end: 10 },
          ],
          cps,
        ),
        [[0, 22]],
      );
      assert.deepEqual(normalise([{ start: 10, end: 16 }], cps), [[11, 15]]);
    });
    it('lose the separators , ; : at their ends, unless that is all they are', () => {
      const t = Array.from('HUGHES: Smith, saying: no');
      assert.deepEqual(normalise([{ start: 8, end: 14 }], t), [[8, 13]]);
      assert.deepEqual(normalise([{ start: 15, end: 22 }], t), [[15, 21]]);
      assert.deepEqual(normalise([{ start: 6, end: 8 }], t), [[6, 7]]);
    });
    it('stay apart when words lie between them', () => {
      assert.deepEqual(
        normalise(
          [
            { start: 0, end: 8 },
            { start: 11, end: 15 },
          ],
          cps,
        ),
        [
          [0, 8],
          [11, 15],
        ],
      );
    });
  });

  describe('precision, recall and F1', () => {
    it('are computed from their own numerators and are 0 when nothing is there to credit', () => {
      assert.deepEqual(prf({ predMatched: 1, pred: 2, goldMatched: 1, gold: 4 }), { precision: 0.5, recall: 0.25, f1: 1 / 3 });
      assert.deepEqual(prf({ predMatched: 0, pred: 0, goldMatched: 0, gold: 3 }), { precision: 0, recall: 0, f1: 0 });
    });
    it('add up over documents before dividing (micro-average)', () => {
      const a = scoreDocument(TEXT, [attr(at(TEXT, 'said'), [], [])], [attr(at(TEXT, 'said'), [], [])]);
      const b = scoreDocument(TEXT, [attr(at(TEXT, 'told'), [], []), attr(at(TEXT, 'believe'), [], [])], [attr(at(TEXT, 'told'), [], [])]);
      const sum = addScores(addScores(emptyScores(), a), b);
      assert.deepEqual(sum.exact.cue, { predMatched: 2, pred: 2, goldMatched: 2, gold: 3 });
    });
  });

  describe('exact', () => {
    const peskov = attr(at(TEXT, 'said'), [at(TEXT, 'Dmitry Peskov, the Kremlin spokesman')], [at(TEXT, '“We have no comment,”')]);
    const sources = attr(at(TEXT, 'told'), [at(TEXT, 'Three sources')], [at(TEXT, 'that the men had travelled')]);
    const one = attr(at(TEXT, 'said', 1), [at(TEXT, 'one')], [at(TEXT, '“It is over,”'), at(TEXT, '“and nobody will talk.”')]);
    const gold = [peskov, sources, one];

    it('scores a perfect prediction 1 everywhere', () => {
      const s = scoreDocument(TEXT, gold, gold);
      for (const t of ['cue', 'source', 'content'] as const) {
        assert.deepEqual(prf(s.exact[t]), { precision: 1, recall: 1, f1: 1 }, t);
        assert.deepEqual(prf(s.overlap[t]), { precision: 1, recall: 1, f1: 1 }, t);
      }
    });

    it('credits a cue only when its span equals a gold cue', () => {
      const pred = [attr(at(TEXT, 'told Reuters'), [], []), attr(at(TEXT, 'said'), [], []), attr(at(TEXT, 'believe'), [], [])];
      const s = scoreDocument(TEXT, gold, pred);
      assert.deepEqual(s.exact.cue, { predMatched: 1, pred: 3, goldMatched: 1, gold: 3 });
    });

    it('counts a cue shared by two attributions once', () => {
      const pred = [attr(at(TEXT, 'said'), [], []), attr(at(TEXT, 'said'), [], [])];
      assert.deepEqual(scoreDocument(TEXT, gold, pred).exact.cue, { predMatched: 1, pred: 1, goldMatched: 1, gold: 3 });
    });

    it('credits a source when its cue overlaps the gold cue and its spans equal the gold spans', () => {
      const pred = [
        attr(at(TEXT, 'told Reuters'), [at(TEXT, 'Three sources')], []), // wider cue, same source: counts
        attr(at(TEXT, 'said'), [at(TEXT, 'Dmitry Peskov')], []), // source cut short: does not
        attr(at(TEXT, 'believe'), [at(TEXT, 'one')], []), // right words, wrong cue: does not
      ];
      assert.deepEqual(scoreDocument(TEXT, gold, pred).exact.source, { predMatched: 1, pred: 3, goldMatched: 1, gold: 3 });
    });

    it('compares a discontinuous content as a whole list of fragments', () => {
      const whole = attr(
        at(TEXT, 'said', 1),
        [],
        [{ start: at(TEXT, '“It is over,”').start, end: at(TEXT, '“and nobody will talk.”').end }],
      );
      const half = attr(at(TEXT, 'said', 1), [], [at(TEXT, '“It is over,”')]);
      const reordered = attr(at(TEXT, 'said', 1), [], [at(TEXT, '“and nobody will talk.”'), at(TEXT, '“It is over,”')]);
      assert.equal(scoreDocument(TEXT, gold, [whole]).exact.content.predMatched, 0);
      assert.equal(scoreDocument(TEXT, gold, [half]).exact.content.predMatched, 0);
      assert.deepEqual(scoreDocument(TEXT, gold, [reordered]).exact.content, { predMatched: 1, pred: 1, goldMatched: 1, gold: 3 });
    });

    it('gives nothing to a prediction without a cue', () => {
      const s = scoreDocument(TEXT, gold, [attr(null, [at(TEXT, 'one')], [at(TEXT, '“It is over,”')])]);
      assert.deepEqual(s.exact.cue, { predMatched: 0, pred: 0, goldMatched: 0, gold: 3 });
      assert.equal(s.exact.source.predMatched, 0);
    });
  });

  describe('overlap', () => {
    const gold = [attr(at(TEXT, 'told'), [at(TEXT, 'Three sources')], [at(TEXT, 'that the men had travelled')])];

    it('measures the share of predicted and of gold tokens, a partly covered token counting as covered', () => {
      // Predicted content: "the men had travelled. “It" → tokens the, men, had, travelled., “It (5); gold: that … travelled. (5).
      const pred = [attr(at(TEXT, 'told'), [at(TEXT, 'sources')], [at(TEXT, 'the men had travelled. “It')])];
      const s = scoreDocument(TEXT, gold, pred);
      assert.deepEqual(s.overlap.content, { predMatched: 4, pred: 5, goldMatched: 4, gold: 5 });
      assert.deepEqual(s.overlap.source, { predMatched: 1, pred: 1, goldMatched: 1, gold: 2 });
    });

    it('counts a token once even when two predicted spans cover it', () => {
      const pred = [attr(at(TEXT, 'told'), [at(TEXT, 'Three sources')], []), attr(at(TEXT, 'Reuters'), [at(TEXT, 'Three sources')], [])];
      const s = scoreDocument(TEXT, gold, pred);
      assert.deepEqual(s.overlap.source, { predMatched: 2, pred: 2, goldMatched: 2, gold: 2 });
      assert.deepEqual(s.overlap.cue, { predMatched: 1, pred: 2, goldMatched: 1, gold: 1 });
    });
  });

  describe('brat standoff', () => {
    const text = 'Flags 🇫🇷: Smith said “yes,” and later, “no.”';
    const ann = [
      'T1\tSource 10 15\tSmith',
      'T2\tCue 16 20\tsaid',
      'T3\tContent 21 27\t“yes,”',
      'T4\tAttribution 16 20\tsaid',
      'E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 Content2:T5',
      'T5\tContent 39 44\t“no.”',
      '#1\tAnnotatorNotes T1\ta note',
      'T6\tCue 28 37;37 38\tand later ,',
      'T7\tContent 39 44\t“no.”',
      'E2\tAttribution-no-source:T6 Cue:T6 Content:T7',
    ].join('\n');

    it('reads code-point offsets, Content2 as more content, discontinuous cues and attributions without a source', () => {
      const { attributions, problems } = parseAnn(ann, text);
      assert.deepEqual(problems, []);
      assert.equal(attributions.length, 2);
      assert.deepEqual(
        attributions[0].contents.map((c) => c.text),
        ['“yes,”', '“no.”'],
      );
      assert.equal(attributions[0].sources[0].text, 'Smith');
      assert.deepEqual(attributions[1].sources, []);
      assert.deepEqual(
        attributions[1].cueFragments?.map((c) => c.text),
        ['and later', ','],
      );
    });

    it('reports spans outside the text, text that does not match its offsets and undefined references', () => {
      const bad = [
        'T1\tCue 16 20\tsaid',
        'T2\tContent 39 99\t“no.”',
        'T3\tSource 10 15\tJones',
        'E1\tAttribution:T9 Cue:T1 Content:T2 Source:T3',
      ].join('\n');
      const { problems } = parseAnn(bad, text);
      assert.equal(problems.length, 3, problems.join('\n'));
      assert.match(problems.join('\n'), /T2 Content 39-99 lies outside the text \(length 44\)/);
      assert.match(problems.join('\n'), /T3 Source records "Jones" but the text there is "Smith"/);
      assert.match(problems.join('\n'), /refers to T9, which is not defined/);
    });

    it('writes what it reads', () => {
      const { attributions } = parseAnn(ann, text);
      const again = parseAnn(writeAnn(text, attributions), text);
      assert.deepEqual(again.problems, []);
      assert.deepEqual(again.attributions, attributions);
    });
  });

  describe('inline markup', () => {
    it('turns nested, shared and repeated marks into attributions at code-point offsets', () => {
      const { text, attributions } = fromInline(
        '🇺🇦 {s1|Three sources} {k1|said} {c1|{s2|one} {k2|had told} them {c2|that it was over}}. {c3|“Yes,”} {k3|said} {s3|he}, {c3|“no.”}',
      );
      assert.equal(text, '🇺🇦 Three sources said one had told them that it was over. “Yes,” said he, “no.”');
      const shown = attributions.map((a) => ({
        cue: Array.from(text).slice(a.cue!.start, a.cue!.end).join(''),
        sources: a.sources.map((s) => Array.from(text).slice(s.start, s.end).join('')),
        contents: a.contents.map((s) => Array.from(text).slice(s.start, s.end).join('')),
      }));
      assert.deepEqual(shown, [
        { cue: 'said', sources: ['Three sources'], contents: ['one had told them that it was over'] },
        { cue: 'had told', sources: ['one'], contents: ['that it was over'] },
        { cue: 'said', sources: ['he'], contents: ['“Yes,”', '“no.”'] },
      ]);
    });

    it('rejects unclosed marks and attributions without a cue', () => {
      assert.throws(() => fromInline('{s1|Smith said'), /line 1: mark left open/);
      assert.throws(() => fromInline('{s1|Smith} said {c1|it}'), /attribution 1 has no cue/);
    });
  });

  describe('error analysis', () => {
    it('lists missed and spurious spans with what the other side had at that cue', () => {
      const gold = [attr(at(TEXT, 'told'), [at(TEXT, 'Three sources')], [at(TEXT, 'that the men had travelled')])];
      const pred = [attr(at(TEXT, 'told'), [at(TEXT, 'sources')], [at(TEXT, 'that the men had travelled')])];
      const items = collectErrors({ article: 'a', annotator: null, text: TEXT, attributions: gold, problems: [] }, pred);
      assert.deepEqual(
        items.map((i) => [i.kind, i.type, i.instead.length]),
        [
          ['missed', 'source', 1],
          ['spurious', 'source', 1],
        ],
      );
    });
  });
});
