import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Attribution, extractAttributions } from '../src/attributions/extract.js';

const bundle = JSON.parse(readFileSync(new URL('../demo/crocus-city.bundle.json', import.meta.url), 'utf8')) as {
  documents: { key: string; body?: string }[];
};
const demoBody = bundle.documents.find((d) => d.body)!.body!;

function byContent(list: Attribution[], fragment: string): Attribution {
  const found = list.find((a) => a.contents.some((c) => c.text.includes(fragment)));
  assert.ok(found, `no attribution carries "${fragment}"`);
  return found;
}

function chain(a: Attribution): string[] {
  return a.via.map((v) => v.name);
}

describe('attribution engine', () => {
  describe('the demo article', () => {
    const list = extractAttributions(demoBody);

    it('proposes the three anonymous sources, each through Reuters', () => {
      const first = byContent(list, 'Days before the attack in Russia');
      const second = byContent(list, 'lacked specific details regarding timing');
      const third = byContent(list, 'fulfilled their obligation to alert Moscow');
      for (const a of [first, second, third]) {
        assert.equal(a.speaker.identityStatus, 'anonymous');
        assert.deepEqual(chain(a), ['Reuters']);
      }
      assert.equal(first.speaker.description, 'one of three sources');
      assert.equal(first.textForm, 'quote');
      assert.equal(second.speaker.description, 'a second source');
      assert.equal(second.textForm, 'paraphrase');
      assert.equal(third.speaker.description, 'a senior security official');
      assert.equal(third.sources[0].text, 'A third source, a senior security official');
    });

    it('links "the source" back to the second source', () => {
      const instructed = byContent(list, 'were instructed to prepare');
      assert.equal(instructed.sources[0].text, 'the source');
      assert.equal(instructed.speaker.description, 'a second source');
      assert.equal(instructed.cue?.text, 'said');
      assert.equal(instructed.hedge, 'said');
    });

    it('turns the nested attribution into the chain IS member → source 2 → Reuters', () => {
      const travelled = byContent(list, 'some members of the group had already travelled to Russia');
      assert.equal(travelled.contents[0].text, 'some members of the group had already travelled to Russia');
      assert.equal(travelled.speaker.identityStatus, 'unidentified');
      assert.equal(travelled.sources[0].text, 'One of the terrorists [arrested in Iran]');
      assert.deepEqual(chain(travelled), ['a second source', 'Reuters']);
      assert.equal(travelled.via[1].cue?.text, 'reported');
    });

    it("proposes Peskov's non-answer, named, first-hand", () => {
      const peskov = byContent(list, 'I do not know anything about this.');
      assert.deepEqual(peskov.speaker, { identityStatus: 'named', name: 'Dmitry Peskov', description: 'Kremlin spokesman' });
      assert.equal(peskov.contents[0].text, '“I do not know anything about this.”');
      assert.deepEqual(peskov.via, []);
    });

    it('proposes the FSB video confession by an unidentified detained man, through the FSB', () => {
      const weapons = byContent(list, 'I took weapons to them');
      assert.equal(weapons.speaker.identityStatus, 'unidentified');
      assert.equal(weapons.speaker.description, 'one of the men detained in Dagestan');
      assert.deepEqual(chain(weapons), ['FSB']);
      assert.equal(weapons.textForm, 'quote');
    });

    it('gives each cue its hedge', () => {
      assert.equal(byContent(list, 'Ukraine and the West organised it').hedge, 'claimed');
      assert.equal(byContent(list, 'three sources said').hedge, 'reported');
    });
  });

  describe('spans', () => {
    it('counts offsets in code points', () => {
      const text = '😀 e\u0301 “We will win,” said Jane Doe, a 👩‍👩‍👧 campaign aide.';
      const [a] = extractAttributions(text);
      const cps = Array.from(text);
      for (const s of [a.cue!, ...a.sources, ...a.contents]) assert.equal(cps.slice(s.start, s.end).join(''), s.text);
      assert.equal(a.speaker.name, 'Jane Doe');
    });

    it('finds a quote interrupted by its cue as one attribution with two content spans', () => {
      const [a] = extractAttributions('“We are ready,” she said, “and we will not wait.”');
      assert.deepEqual(
        a.contents.map((c) => c.text),
        ['“We are ready,”', '“and we will not wait.”'],
      );
    });

    it('finds nothing in text without attribution', () => {
      assert.deepEqual(extractAttributions('The river rose two metres overnight.'), []);
      assert.deepEqual(extractAttributions(''), []);
    });
  });
});
