import type { SqliteDb } from '../../src/db/database.js';
// What the PROV conformance tests export: the demo, and a larger generated database with hostile text.
import { generate } from '../../bench/synthetic.js';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { asText } from '../helpers/text-body.js';

// Where the official files live: beside the checkout (../shared/conformance) or WHOSAID_CONFORMANCE_DIR.
export const CONFORMANCE_DIR = (
  process.env.WHOSAID_CONFORMANCE_DIR ?? new URL('../../../shared/conformance/', import.meta.url).pathname
).replace(/\/$/, '');

/** Every character class an escaper can get wrong that XML 1.0 can carry (C0 controls it cannot: see docs/api.md). */
export const HOSTILE = [
  'He said "no" then <b>&amp;</b> ]]> and %% \'quoted\' [x], (y) = z; a\\b',
  'line one\nline two\r\nline three\ttabbed "end quote"',
  'outside the BMP: 😀 𝄞 𠜎, combining é, RTL שלום, zero-width \u200b joiner',
  '"""triple""" and \\" and \\\\ and a lone " quote',
];

export async function generatedApp(statements: number): Promise<TestApp> {
  const t = await makeTestApp();
  await generate(t.db as SqliteDb, { statements, seed: 14 });
  for (const text of HOSTILE) {
    const speaker = (
      await t.http
        .post('/v1/actors')
        .send({ kind: 'person', identityStatus: 'named', name: text.slice(0, 80) })
        .expect(201)
    ).body.id;
    await t.http.post('/v1/statements').send({ speakerId: speaker, text, textForm: 'quote', kind: 'assertion' }).expect(201);
  }
  return t;
}

/** An export's body as text, whatever its media type. */
export async function exportText(t: TestApp, path: string): Promise<string> {
  const res = await asText(t.http.get(path));
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body}`);
  return res.body as string;
}
