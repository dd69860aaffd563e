import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoBundle, makeTestApp, schemaRegistry, type TestApp } from './helpers/test-app.js';
import type { SearchHit } from '../src/generated/schema-types.js';

/**
 * Arbitrary text as q and as every filter of GET /v1/search: the answer is 200 with a body that fits
 * the response schema, or 400 problem+json. Never a 5xx, whatever reaches the FTS5 query.
 */
// Lone surrogates cannot be percent-encoded into a URL at all, so no client can send them.
const wellFormed = (s: string) => !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));

describe('search under arbitrary input', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ demo: true });
  });

  // Text from everywhere: any Unicode, FTS5 syntax fragments, and pieces of the demo statements.
  const demoWords = (demoBundle().statements as Array<{ text: string }>).flatMap((s) => s.text.split(/\s+/));
  const syntax = fc.constantFrom(
    '"',
    "'",
    '*',
    '-',
    '+',
    ':',
    '^',
    '(',
    ')',
    '{',
    '}',
    'AND',
    'OR',
    'NOT',
    'NEAR',
    'NEAR(',
    ',',
    'text:',
    'original_text:',
    ' ',
    '  ',
    '\u0000',
    '\n',
    '…',
    '“',
    '”',
    '’',
    '—',
    '[',
    ']',
    '🙂',
    '🇷🇺',
    'é',
    '\u0301',
    '\u200b',
    '\ufeff',
    'ﬁ',
    'İ',
    'ß',
  );
  const shortText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }).filter(wellFormed),
    fc.array(fc.oneof(syntax, fc.constantFrom(...demoWords)), { maxLength: 25 }).map((xs) => xs.join(' ')),
    fc.array(fc.oneof(syntax, fc.constantFrom(...demoWords)), { maxLength: 25 }).map((xs) => xs.join('')),
  );
  // Around the 2000-character limit of q. (Node's HTTP server itself refuses request lines over 16 KB
  // with 431 before any route runs, so one long value per request.)
  const textish = fc.oneof(
    { weight: 6, arbitrary: shortText },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1990, maxLength: 2010 }) },
  );
  const mode = fc.option(fc.oneof(fc.constantFrom('auto', 'substring', 'advanced'), fc.string({ maxLength: 10 })), { nil: undefined });
  const validateResults = schemaRegistry().validator('search-results');

  async function check(query: Record<string, string>): Promise<void> {
    const res = await t.http.get('/v1/search').query(query);
    assert.ok(res.status === 200 || res.status === 400, `${JSON.stringify(query)} gave ${res.status}: ${res.text}`);
    if (res.status === 400) {
      assert.match(res.headers['content-type'], /^application\/problem\+json/);
      assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0, res.text);
    } else {
      assert.ok(validateResults(res.body), `${JSON.stringify(query)}: ${JSON.stringify(validateResults.errors)}`);
    }
  }

  it('answers arbitrary q, in every mode, with 200 or 400', async function () {
    this.timeout(120000);
    await fc.assert(
      fc.asyncProperty(textish, mode, async (q, m) => {
        await check({ q, ...(m === undefined ? {} : { mode: m }) });
      }),
      { numRuns: 400 },
    );
  });

  it('answers arbitrary values for every filter with 200 or 400', async function () {
    this.timeout(120000);
    const value = fc.oneof(
      shortText,
      fc.constantFrom(
        '1',
        '2',
        '0',
        '-1',
        '9007199254740993',
        '1e3',
        '01',
        'named',
        'anonymous',
        'in_custody',
        'no_comment',
        '2024',
        '2024-03',
        '2024-02-30',
        '200',
        '201',
        'true',
      ),
      fc.nat({ max: 40 }).map(String),
    );
    const filters = fc.record(
      {
        q: fc.oneof(textish, fc.constantFrom('attack', 'Russia', 'I took them weapons', 'the')),
        mode,
        speakerId: value,
        identityStatus: value,
        kind: value,
        claimId: value,
        documentId: value,
        outletId: value,
        circumstance: value,
        saidFrom: value,
        saidTo: value,
        limit: value,
        cursor: value,
        x: value,
        Q: value,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, async (query) => {
        await check(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>);
      }),
      { numRuns: 400 },
    );
  });

  it('answers raw, oddly encoded query strings with 200 or 400', async function () {
    this.timeout(60000);
    const piece = fc.constantFrom(
      'q=',
      'q=a',
      'q=%22',
      'q=%ZZ',
      'q=%00',
      'q=%ED%A0%80',
      'q=%F0%9F%98%80',
      '&',
      '&&',
      '=',
      'q[]=a',
      'q[a]=b',
      'q=a&q=b',
      'mode=advanced',
      'limit=%31',
      'cursor=%2F',
      'speakerId=1&speakerId=2',
      '%71=attack',
      'q=NEAR%28a%20b%29',
      'q=text%3Aa',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 5 }), async (pieces) => {
        const res = await t.http.get(`/v1/search?${pieces.join('&')}`);
        assert.ok(res.status === 200 || res.status === 400, `${pieces.join('&')} gave ${res.status}: ${res.text}`);
      }),
      { numRuns: 200 },
    );
  });

  it('pages with the cursors it issues, and only those, for arbitrary queries', async function () {
    this.timeout(60000);
    await fc.assert(
      fc.asyncProperty(textish, fc.integer({ min: 1, max: 3 }), async (q, limit) => {
        const res = await t.http.get('/v1/search').query({ q, limit });
        if (res.status !== 200 || !res.body.nextCursor) return;
        const next = await t.http.get('/v1/search').query({ q, limit, cursor: res.body.nextCursor });
        assert.equal(next.status, 200, next.text);
        const seen = new Set(res.body.items.map((i: SearchHit) => i.statement.id));
        for (const i of next.body.items) assert.ok(!seen.has(i.statement.id), 'a page repeats a hit');
      }),
      { numRuns: 150 },
    );
  });
});
