import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import { demoBundle, makeTestApp, schemaRegistry, type TestApp } from './helpers/test-app.js';

const validExtraction = schemaRegistry().validator('attribution-extraction');

interface SpanBody {
  start: number;
  end: number;
  text: string;
}
interface AttributionBody {
  cue: SpanBody | null;
  sources: SpanBody[];
  contents: SpanBody[];
  via: { name: string; cue: SpanBody | null }[];
  speaker: { identityStatus: string; name?: string; description?: string };
}

interface ExtractionBody {
  attributions: AttributionBody[];
}

function spansOf(a: AttributionBody): SpanBody[] {
  return [...(a.cue ? [a.cue] : []), ...a.sources, ...a.contents, ...a.via.flatMap((v) => (v.cue ? [v.cue] : []))];
}

/** Every span's text is exactly the code points at its offsets. */
function assertSpansExact(text: string, attributions: AttributionBody[]): void {
  const cps = Array.from(text);
  for (const a of attributions) {
    for (const s of spansOf(a)) {
      assert.ok(s.start >= 0 && s.start <= s.end && s.end <= cps.length, `span out of range: ${JSON.stringify(s)}`);
      assert.equal(cps.slice(s.start, s.end).join(''), s.text, `span ${s.start}-${s.end}`);
    }
  }
}

describe('attributions', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });

  describe('POST /v1/attributions/extract', () => {
    describe('with English news text', () => {
      it('answers the attributions in the documented shape, to a reader', async () => {
        const text =
          'Kremlin spokesman Dmitry Peskov said on Monday: “I do not know anything about this.” Reuters reported that two officials said talks had stalled.';
        const res = await t.as('reader').post('/v1/attributions/extract').send({ text }).expect(200);
        const body = res.body as ExtractionBody;
        assert.ok(validExtraction(body), JSON.stringify(validExtraction.errors));
        const [peskov, reuters, officials] = body.attributions;
        assert.deepEqual(peskov.cue, { start: 32, end: 36, text: 'said' });
        assert.deepEqual(peskov.speaker, { identityStatus: 'named', name: 'Dmitry Peskov', description: 'Kremlin spokesman' });
        assert.equal(reuters.speaker.name, 'Reuters');
        assert.equal(officials.speaker.identityStatus, 'anonymous');
        assert.deepEqual(
          officials.via.map((v) => v.name),
          ['Reuters'],
        );
        assertSpansExact(text, body.attributions);
      });

      it('reads the demo article', async () => {
        const body = demoBundle().documents.find((d) => d.body)!.body as string;
        const res = await t.as('reader').post('/v1/attributions/extract').send({ text: body }).expect(200);
        const found = res.body as ExtractionBody;
        assert.ok(validExtraction(found), JSON.stringify(validExtraction.errors));
        assert.ok(found.attributions.length >= 10);
        assertSpansExact(body, found.attributions);
      });
    });

    describe('with any text, emoji and combining marks included', () => {
      it('gives spans that are exactly the code points at their offsets, in the documented shape', async function () {
        this.timeout(60000);
        const pieces = fc.constantFrom(
          '😀',
          '👩‍👩‍👧',
          '🇺🇦',
          'e\u0301',
          'a\u0308\u0323',
          '“',
          '”',
          '"',
          ',',
          '.',
          ':',
          ' ',
          '\n\n',
          ' said ',
          ' told Reuters ',
          'according to ',
          'the official',
          'A senior official',
          'Jane Doe',
          'she',
          'One',
          ' that ',
          'We will win',
          '[sic]',
        );
        const texts = fc.oneof(
          fc.array(pieces, { minLength: 1, maxLength: 40 }).map((a) => a.join('')),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
          // Every code point but U+0000, which every JSON body refuses (below, and test/json-input.test.ts).
          fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).filter((s) => !s.includes('\0')),
        );
        await fc.assert(
          fc.asyncProperty(texts, async (text) => {
            const res = await t.as('reader').post('/v1/attributions/extract').send({ text });
            assert.equal(res.status, 200, res.text);
            const body = res.body as ExtractionBody;
            assert.ok(validExtraction(body), JSON.stringify(validExtraction.errors));
            assertSpansExact(text, body.attributions);
          }),
          { numRuns: 150 },
        );
      });
    });

    describe('with malformed input', () => {
      it('answers a 400 problem naming the field', async () => {
        expectFieldErrors(await t.as('reader').post('/v1/attributions/extract').send({}), ['/text']);
        expectFieldErrors(await t.as('reader').post('/v1/attributions/extract').send({ text: 42 }), ['/text']);
        expectFieldErrors(await t.as('reader').post('/v1/attributions/extract').send({ text: '' }), ['/text']);
        expectFieldErrors(await t.as('reader').post('/v1/attributions/extract').send({ text: 'he said\0 so' }), ['/text']);
        expectProblem(await t.as('reader').post('/v1/attributions/extract').send({ text: 'x', extra: true }), 400);
        expectProblem(await t.as('reader').post('/v1/attributions/extract').send([]), 400);
      });

      it('refuses a body that is not JSON', async () => {
        expectProblem(await t.as('reader').post('/v1/attributions/extract').set('Content-Type', 'application/json').send('{"text": '), 400);
        expectProblem(await t.as('reader').post('/v1/attributions/extract').set('Content-Type', 'text/plain').send('she said'), 415);
      });
    });

    describe('with oversized input', () => {
      it('accepts 200,000 characters and refuses one more', async function () {
        this.timeout(60000);
        const sentence = 'The official said the talks had stalled. ';
        const full = sentence.repeat(Math.ceil(200000 / sentence.length)).slice(0, 200000);
        const ok = await t.as('reader').post('/v1/attributions/extract').send({ text: full }).expect(200);
        assert.ok((ok.body as ExtractionBody).attributions.length > 1000);
        expectFieldErrors(
          await t
            .as('reader')
            .post('/v1/attributions/extract')
            .send({ text: `${full}x` }),
          ['/text'],
        );
      });

      it('counts the limit in characters, not UTF-16 units', async () => {
        const emoji = '😀'.repeat(200000);
        await t.as('reader').post('/v1/attributions/extract').send({ text: emoji }).expect(200);
      });
    });
  });
});
