import { firstValue } from './helpers/rows.js';
import assert from 'node:assert/strict';
import { demoId, makeTestApp, type TestApp } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';
import { asText } from './helpers/text-body.js';

// PROV-N and PROV-XML beside PROV-JSON: the same records, the same identifiers, text escaped for each.
// The W3C schemas and an independent PROV library check them in `npm run test:conformance`.

const FORMATS = {
  json: /^application\/json; charset=utf-8$/,
  provn: /^text\/provenance-notation; charset=utf-8$/,
  provxml: /^application\/provenance\+xml; charset=utf-8$/,
} as const;
type Format = keyof typeof FORMATS;

// An xsd:QName: an NCName prefix and an NCName local part (ASCII is all whosaid writes).
const NCNAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const QNAME = new RegExp(`^${NCNAME}:${NCNAME}$`);

async function text(
  t: TestApp,
  path: string,
  role: 'admin' | 'reader' = 'admin',
): Promise<{ body: string; type: string; disposition?: string }> {
  const res = await asText(t.as(role).get(path));
  assert.equal(res.status, 200, `${path}: ${res.body}`);
  return { body: res.body as string, type: res.headers['content-type'], disposition: res.headers['content-disposition'] };
}

const withFormat = (path: string, format: Format) => `${path}${path.includes('?') ? '&' : '?'}format=${format}`;

/** Each record of a serialisation as "kind identifier-or-arguments", the same shape for all three. */
function records(format: Format, body: string): string[] {
  if (format === 'json') {
    const doc = JSON.parse(body) as Record<string, Record<string, Record<string, unknown>>>;
    return Object.entries(doc)
      .filter(([section]) => section !== 'prefix')
      .flatMap(([section, recs]) =>
        Object.entries(recs).map(([key, r]) =>
          key.startsWith('_:')
            ? `${section} ${Object.values(r)
                .filter((v) => typeof v === 'string' && QNAME.test(v))
                .join(' ')}`
            : `${section} ${key}`,
        ),
      );
  }
  if (format === 'provn') {
    return [...body.matchAll(/^ {2}(\w+)\(([^,)[]+(?:, [^,)[]+)*?)(?:, \[|\))/gm)].map(
      ([, section, args]) =>
        `${section} ${
          section === 'agent' || section === 'entity'
            ? args.split(', ')[0]
            : args
                .split(', ')
                .filter((a) => a !== '-')
                .join(' ')
        }`,
    );
  }
  return [...body.matchAll(/^ {2}<prov:(\w+)( prov:id="([^"]+)")?[^>]*>([\s\S]*?)(?=^ {2}<prov:|^<\/prov:document)/gm)].map(
    ([, section, , id, inner]) =>
      `${section} ${id ?? [...inner.matchAll(/^ {4}<prov:\w+ prov:ref="([^"]+)"\/>/gm)].map((m) => m[1]).join(' ')}`,
  );
}

/** Every identifier and reference a serialisation writes. */
function identifiers(format: Format, body: string): string[] {
  if (format === 'json') {
    const doc = JSON.parse(body);
    const out: string[] = [];
    for (const [section, recs] of Object.entries<Record<string, Record<string, unknown>>>(doc)) {
      if (section === 'prefix') continue;
      for (const [key, r] of Object.entries(recs)) {
        if (!key.startsWith('_:')) out.push(key);
        for (const [k, v] of Object.entries(r))
          if (/^prov:(delegate|responsible|entity|agent|generatedEntity|usedEntity|collection)$/.test(k)) out.push(v as string);
      }
    }
    return out;
  }
  if (format === 'provn')
    return [...body.matchAll(/^ {2}\w+\(([^[]*?)(?:, \[|\)$)/gm)].flatMap(([, args]) => args.split(/[;,] /).filter((a) => a !== '-'));
  return [...body.matchAll(/prov:(?:id|ref)="([^"]*)"/g)].map((m) => m[1]);
}

/** Decodes XML character data as a parser would (the five entities and numeric references). */
function xmlDecode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!,
  );
}

describe('PROV exports in three serialisations', () => {
  let t: TestApp;
  let doc: number;
  let claim: number;
  const scopes = () => ['/v1/exports/prov', `/v1/exports/prov?documentId=${doc}`, `/v1/exports/prov?claimId=${claim}`];

  before(async () => {
    t = await makeTestApp({ demo: true });
    doc = await demoId(t.db, 'document', 'telegraph-article');
    claim = await demoId(t.db, 'claim', 'iran-warned-russia');
  });

  describe('GET /v1/exports/prov?format=', () => {
    it('answers PROV-JSON by default, PROV-N and PROV-XML when asked, each with its media type', async () => {
      for (const path of scopes()) {
        assert.match((await text(t, path)).type, FORMATS.json);
        for (const format of Object.keys(FORMATS) as Format[])
          assert.match((await text(t, withFormat(path, format))).type, FORMATS[format], path);
      }
      const provn = (await text(t, '/v1/exports/prov?format=provn')).body;
      assert.match(provn, /^document\n {2}prefix whosaid <http:\/\/localhost:3000\/id\/>\n/);
      assert.match(provn, /endDocument\n$/);
      const xml = (await text(t, '/v1/exports/prov?format=provxml')).body;
      assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<prov:document xmlns:prov="http:\/\/www\.w3\.org\/ns\/prov#"/);
      assert.match(xml, / xmlns:whosaid="http:\/\/localhost:3000\/id\/"/);
      assert.match(xml, /<\/prov:document>\n$/);
      const openapi = (await t.http.get('/openapi.json').expect(200)).body;
      const content = openapi.paths['/v1/exports/prov'].get.responses['200'].content;
      assert.deepEqual(Object.keys(content).sort(), ['application/json', 'application/provenance+xml', 'text/provenance-notation']);
    });

    it('writes the same records with the same identifiers in all three', async () => {
      for (const path of scopes()) {
        const [json, provn, xml] = await Promise.all(
          (['json', 'provn', 'provxml'] as Format[]).map(async (f) => records(f, (await text(t, withFormat(path, f))).body).sort()),
        );
        assert.ok(json.length > 10, `${path}: ${json.length} records`);
        assert.deepEqual(provn, json, `${path}: PROV-N`);
        assert.deepEqual(xml, json, `${path}: PROV-XML`);
      }
      const all = JSON.parse((await text(t, '/v1/exports/prov')).body);
      const statement = await demoId(t.db, 'statement', 'peskov-no-comment');
      const provn = (await text(t, '/v1/exports/prov?format=provn')).body;
      assert.ok(all.entity[`whosaid:statement-${statement}`]);
      assert.match(
        provn,
        new RegExp(
          `^ {2}entity\\(whosaid:statement-${statement}, \\[prov:type="whosaid:Statement" %% xsd:QName, prov:value="I do not know anything about this\\.", `,
          'm',
        ),
      );
      const xml = (await text(t, '/v1/exports/prov?format=provxml')).body;
      assert.ok(
        xml.includes(
          `<prov:entity prov:id="whosaid:statement-${statement}">\n    <prov:type xsi:type="xsd:QName">whosaid:Statement</prov:type>\n    <prov:value>I do not know anything about this.</prov:value>\n`,
        ),
      );
      // A verbatim, first-hand hop: a derivation typed as both, in each serialisation.
      const reuters = await demoId(t.db, 'relay', 'tipoff-reuters');
      assert.match(
        provn,
        new RegExp(
          `^ {2}wasDerivedFrom\\(whosaid:relay-${reuters}, whosaid:statement-\\d+, \\[prov:type="prov:Quotation" %% xsd:QName, prov:type="prov:PrimarySource" %% xsd:QName, whosaid:mode="verbatim"\\]\\)$`,
          'm',
        ),
      );
      assert.match(
        xml,
        new RegExp(
          `<prov:wasDerivedFrom>\\n {4}<prov:generatedEntity prov:ref="whosaid:relay-${reuters}"/>\\n {4}<prov:usedEntity prov:ref="whosaid:statement-\\d+"/>\\n {4}<prov:type xsi:type="xsd:QName">prov:Quotation</prov:type>\\n {4}<prov:type xsi:type="xsd:QName">prov:PrimarySource</prov:type>\\n {4}<whosaid:mode>verbatim</whosaid:mode>\\n {2}</prov:wasDerivedFrom>`,
        ),
      );
      assert.match(xml, /<whosaid:firstHand xsi:type="xsd:boolean">true<\/whosaid:firstHand>/);
      assert.match(provn, /whosaid:firstHand="true" %% xsd:boolean/);
    });

    it('names every record with a valid xsd:QName, derived from its type and id only', async () => {
      for (const path of scopes())
        for (const format of Object.keys(FORMATS) as Format[]) {
          const ids = identifiers(format, (await text(t, withFormat(path, format))).body);
          assert.ok(ids.length > 10);
          for (const id of ids) {
            assert.match(id, QNAME, `${format} ${path}: ${id}`);
            assert.match(id, /^whosaid:(actor|statement|relay|document)-[1-9]\d*$/, `${format} ${path}: ${id}`);
          }
        }
      const json = JSON.parse((await text(t, '/v1/exports/prov')).body);
      const ids = async (table: string) => (await t.db.query(`SELECT id FROM ${table} ORDER BY id`)).map(firstValue) as number[];
      assert.deepEqual(Object.keys(json.agent).sort(), (await ids('actors')).map((id) => `whosaid:actor-${id}`).sort());
      for (const id of await ids('documents')) assert.ok(json.entity[`whosaid:document-${id}`]);
      for (const id of await ids('relays')) assert.ok(json.entity[`whosaid:relay-${id}`]);
    });

    it('keeps every identifier across exports, whatever was added in between', async () => {
      const t2 = await makeTestApp({ demo: true });
      const before = Object.fromEntries(
        await Promise.all(
          (Object.keys(FORMATS) as Format[]).map(async (f) => [
            f,
            identifiers(f, (await text(t2, withFormat('/v1/exports/prov', f))).body),
          ]),
        ),
      );
      const again = Object.fromEntries(
        await Promise.all(
          (Object.keys(FORMATS) as Format[]).map(async (f) => [
            f,
            identifiers(f, (await text(t2, withFormat('/v1/exports/prov', f))).body),
          ]),
        ),
      );
      assert.deepEqual(again, before, 'two exports of the same records');
      await t2.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'A newcomer' }).expect(201);
      for (const f of Object.keys(FORMATS) as Format[]) {
        const after = new Set(identifiers(f, (await text(t2, withFormat('/v1/exports/prov', f))).body));
        for (const id of before[f]) assert.ok(after.has(id), `${f}: ${id} kept`);
      }
    });

    it('escapes hostile text: quotes, backslashes, markup, control characters, text outside the BMP', async () => {
      const t2 = await makeTestApp();
      const hostile = 'He said "no" \\ then <b>&amp;</b> ]]> %% \'q\' [x], (y)\r\nnext\tline\u0001\u000b end 😀 𝄞 ünïcode \\';
      const speaker = (await t2.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: hostile }).expect(201)).body
        .id;
      const statement = (
        await t2.http.post('/v1/statements').send({ speakerId: speaker, text: hostile, textForm: 'quote', kind: 'assertion' }).expect(201)
      ).body.id;

      const json = JSON.parse((await text(t2, '/v1/exports/prov')).body);
      assert.equal(json.entity[`whosaid:statement-${statement}`]['prov:value'], hostile);

      // PROV-N's escapes are a subset of JSON's, and PROV-N has none for the other control characters, which
      // its strings hold as they are: a correct literal, those spelt out, is a JSON string of the text.
      const decode = (literal: string) =>
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters PROV-N holds unescaped
        JSON.parse(literal.replace(/[\x00-\x1f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
      const provn = (await text(t2, '/v1/exports/prov?format=provn')).body;
      const value = new RegExp(
        `^ {2}entity\\(whosaid:statement-${statement}, \\[prov:type="whosaid:Statement" %% xsd:QName, prov:value=("(?:[^"\\\\\\n\\r]|\\\\.)*")`,
        'm',
      ).exec(provn);
      assert.ok(value, 'the statement is one line, its literal closed where it should be');
      assert.equal(decode(value[1]), hostile);
      const label = new RegExp(
        `^ {2}agent\\(whosaid:actor-${speaker}, \\[prov:type="prov:Person" %% xsd:QName, prov:label=("(?:[^"\\\\\\n\\r]|\\\\.)*")`,
        'm',
      ).exec(provn);
      assert.equal(decode(label![1]), hostile);
      assert.ok(!/[\r]/.test(provn), 'no raw carriage return');

      // XML 1.0 cannot carry U+0001 or U+000B at all: each becomes U+FFFD; everything else decodes back exactly.
      const xml = (await text(t2, '/v1/exports/prov?format=provxml')).body;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids
      assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f\r]/.test(xml), 'no character XML forbids, no raw carriage return');
      const el = new RegExp(
        `<prov:entity prov:id="whosaid:statement-${statement}">\\n {4}<prov:type xsi:type="xsd:QName">whosaid:Statement</prov:type>\\n {4}<prov:value>([^<]*)</prov:value>`,
      ).exec(xml);
      assert.ok(el, 'the text holds no raw markup');
      assert.ok(!el[1].includes(']]>'));
      assert.equal(xmlDecode(el[1]), hostile.replace('\u0001', '\ufffd').replace('\u000b', '\ufffd'));
      assert.ok(xml.includes('😀 𝄞'), 'text outside the BMP as UTF-8, not as broken surrogates');
    });

    it('never writes an anonymous source’s confidential fields, in any format, to a reader or an admin', async () => {
      const t2 = await makeTestApp({ demo: true });
      const source = await demoId(t2.db, 'actor', 'source-3');
      await t2.http
        .patch(`/v1/actors/${source}`)
        .send({ attestation: { by: 'desk chief', note: 'Colonel K. of the IRGC' }, confidentialNotes: 'meets at the café on Mondays' })
        .expect(200);
      const d = await demoId(t2.db, 'document', 'telegraph-article');
      for (const role of ['reader', 'admin'] as const)
        for (const path of [
          '/v1/exports/prov',
          `/v1/exports/prov?documentId=${d}`,
          `/v1/exports/prov?claimId=${await demoId(t2.db, 'claim', 'iran-warned-russia')}`,
        ])
          for (const format of Object.keys(FORMATS) as Format[]) {
            const { body } = await text(t2, withFormat(path, format), role);
            assert.ok(body.includes(`whosaid:actor-${source}`), `${format} ${path} has the source`);
            for (const secret of ['Colonel K.', 'IRGC', 'desk chief', 'café', 'Mondays', 'attestation', 'confidential'])
              assert.ok(!body.includes(secret), `${role} ${format} ${path} leaks ${secret}`);
          }
    });

    it('serves files with the format’s extension; 400 naming format for anything else; 404 before any header', async () => {
      const n = await text(t, `/v1/exports/prov?documentId=${doc}&format=provn&download=1`);
      assert.match(n.disposition!, /^attachment; filename="?whosaid-prov-document-\d+\.provn"?$/);
      const x = await text(t, '/v1/exports/prov?format=provxml&download=true');
      assert.match(x.disposition!, /^attachment; filename="?whosaid-prov-all\.provx"?$/);
      for (const bad of ['rdf', 'PROVN', 'csv', '']) {
        const body = expectProblem(await t.http.get(`/v1/exports/prov?format=${bad}`), 400);
        assert.ok(JSON.stringify(body).includes('format'), `names the format: ${JSON.stringify(body)}`);
      }
      for (const format of ['provn', 'provxml']) {
        const res = await t.http.get(`/v1/exports/prov?documentId=9999&format=${format}&download=1`);
        expectProblem(res, 404);
        assert.equal(res.headers['content-disposition'], undefined);
      }
    });
  });
});
