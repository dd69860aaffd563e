import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';
import { demoId, makeTestApp, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors } from './helpers/problems.js';
import type { Role } from '../src/shared/viewer.js';

const CANARY = 'CANARY-csv-5b1e-confidential';
const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];
const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

type Row = Record<string, string>;
type Item = Record<string, unknown>;

/** Parses as a strict RFC 4180 reader would: CRLF records only, every row as wide as the header. */
function parseCsv(text: string): { header: string[]; rows: Row[] } {
  const records = parse(text, { record_delimiter: '\r\n', relax_column_count: false, bom: false }) as string[][];
  const [header, ...rest] = records;
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

function expectCsv(res: Response, filename: string): { header: string[]; rows: Row[]; text: string } {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], CSV_TYPE);
  assert.equal(res.headers['content-disposition'], `attachment; filename="${filename}"`);
  assert.match(res.headers.vary ?? '', /Accept/);
  assert.ok(res.text.endsWith('\r\n'), 'every record ends with CRLF');
  return { ...parseCsv(res.text), text: res.text };
}

/** What the CSV promises for one JSON value (docs/api.md), written out independently of src/http/csv.ts. */
function expectedCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) text = value.join('; ');
  else text = JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The JSON value a dotted header names in an item. */
const at = (item: Item, header: string): unknown =>
  header.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Item)[k] : undefined), item);

/** Every cell of the CSV is the JSON's value for that row and column, and the rows are the JSON's items. */
function assertSameRecords(csv: { header: string[]; rows: Row[] }, items: Item[]) {
  assert.equal(csv.rows.length, items.length);
  csv.rows.forEach((row, i) => {
    for (const h of csv.header) assert.equal(row[h], expectedCell(at(items[i], h)), `row ${i} column ${h}`);
  });
}

/** The fields of the JSON items, as the CSV's header names them (one level of nesting dotted). */
const topFields = (header: string[]) => new Set(header.map((h) => h.split('.')[0]));
const jsonFields = (items: Item[]) => new Set(items.flatMap((i) => Object.keys(i)));

const csvGet = (t: TestApp, role: Role, url: string) => t.as(role).get(url).set('Accept', 'text/csv');

/** The demo, with the identifying details of its first anonymous source recorded by an editor. */
async function demoWithSecrets() {
  const t = await makeTestApp({ demo: true });
  const sourceId = await demoId(t.db, 'actor', 'source-1');
  await t
    .as('editor')
    .patch(`/v1/actors/${sourceId}`)
    .send({ confidentialNotes: `real name ${CANARY}`, attestation: { by: `editor ${CANARY}`, note: `met in person ${CANARY}` } })
    .expect(200);
  return { t, sourceId, documentId: await demoId(t.db, 'document', 'telegraph-article') };
}

describe('CSV', () => {
  describe('GET /v1/actors', () => {
    describe('content negotiation', () => {
      it('answers CSV for Accept: text/csv and for ?format=csv; JSON by default and for */*', async () => {
        const t = await makeTestApp({ demo: true });
        const json = await t.as('reader').get('/v1/actors?limit=200').expect(200);
        assert.match(json.headers['content-type'], /^application\/json/);
        assert.match((await t.as('reader').get('/v1/actors').set('Accept', '*/*')).headers['content-type'], /^application\/json/);
        const byAccept = expectCsv(await csvGet(t, 'reader', '/v1/actors?limit=200'), 'actors.csv');
        const byFormat = expectCsv(await t.as('reader').get('/v1/actors?limit=200&format=csv'), 'actors.csv');
        assert.deepEqual(byFormat, byAccept);
        assertSameRecords(byAccept, json.body.items);
      });

      it('lets ?format win over Accept, both ways', async () => {
        const t = await makeTestApp({ demo: true });
        const json = await t.as('reader').get('/v1/actors?format=json').set('Accept', 'text/csv').expect(200);
        assert.match(json.headers['content-type'], /^application\/json/);
        assert.ok(Array.isArray(json.body.items));
        expectCsv(await t.as('reader').get('/v1/actors?format=csv').set('Accept', 'application/json'), 'actors.csv');
      });

      it('refuses an unknown format with a 400 problem naming format, whatever Accept says', async () => {
        const t = await makeTestApp({ demo: true });
        for (const accept of ['text/csv', 'application/json']) {
          const res = await t.as('reader').get('/v1/actors?format=xlsx').set('Accept', accept);
          expectFieldErrors(res, ['/format'], 'query');
        }
      });

      it('keeps JSON for a route that is not a list, whatever Accept says', async () => {
        const t = await makeTestApp({ demo: true });
        const res = await csvGet(t, 'reader', '/v1/actors/1').expect(200);
        assert.match(res.headers['content-type'], /^application\/json/);
        expectFieldErrors(await t.as('reader').get('/v1/actors/1?format=csv'), ['/format'], 'query');
      });
    });

    describe('paging', () => {
      it('pages like JSON: a Link rel="next" with the next cursor, none on the last page; the pages are the whole list', async () => {
        const t = await makeTestApp({ demo: true });
        const all = (await t.as('reader').get('/v1/actors?limit=200').expect(200)).body.items as Item[];
        const ids: string[] = [];
        let url: string | null = '/v1/actors?format=csv&limit=3&kind=person';
        let pages = 0;
        while (url) {
          const res = await t.as('reader').get(url);
          const csv = expectCsv(res, 'actors.csv');
          ids.push(...csv.rows.map((r) => r.id));
          const link = res.headers.link as string | undefined;
          if (link) {
            const m = /^<(\/v1\/actors\?[^>]+)>; rel="next"$/.exec(link);
            assert.ok(m, link);
            assert.match(m[1], /format=csv/);
            assert.match(m[1], /kind=person/);
            url = m[1];
          } else url = null;
          pages++;
        }
        assert.ok(pages > 1, 'the demo has more than one page of three people');
        assert.deepEqual(
          ids,
          all.filter((a) => a.kind === 'person').map((a) => String(a.id)),
        );
      });

      it('sends the header row alone for an empty page', async () => {
        const t = await makeTestApp({ demo: true });
        const csv = expectCsv(await t.as('reader').get('/v1/actors?format=csv&actsForId=999999'), 'actors.csv');
        assert.equal(csv.rows.length, 0);
        assert.deepEqual(csv.header.slice(0, 3), ['id', 'kind', 'identityStatus']);
      });
    });

    describe('per role', () => {
      it('has the columns the JSON has for each role: the confidential ones only for editors and admins', async () => {
        const { t } = await demoWithSecrets();
        for (const role of ROLES) {
          const json = (await t.as(role).get('/v1/actors?limit=200').expect(200)).body.items as Item[];
          const csv = expectCsv(await csvGet(t, role, '/v1/actors?limit=200'), 'actors.csv');
          assert.deepEqual(topFields(csv.header), jsonFields(json), role);
          assertSameRecords(csv, json);
          const entitled = role === 'editor' || role === 'admin';
          for (const field of ['attestation', 'confidentialNotes'])
            assert.equal(topFields(csv.header).has(field), entitled, `${role} ${field}`);
          assert.equal(csv.header.includes('attestation.by'), entitled);
          assert.equal(csv.text.includes(CANARY), entitled, `${role} sees the canary`);
        }
      });
    });

    describe('hostile text', () => {
      it('quotes commas, quotes, CR and LF, keeps emoji, and defuses formula prefixes; parses back to the text', async () => {
        const t = await makeTestApp();
        const hostile = [
          'Smith, "the source", said:\r\nno\nmore 🦊 👩🏽‍💻',
          '=HYPERLINK("http://evil.example","click")',
          '+1 555 0100',
          '-2+3',
          '@SUM(A1:A2)',
          '\tindented',
          'plain ünïcödé',
        ];
        const ids: number[] = [];
        for (const description of hostile) {
          const a = await t
            .as('journalist')
            .post('/v1/actors')
            .send({ kind: 'person', identityStatus: 'anonymous', description })
            .expect(201);
          ids.push(a.body.id);
        }
        const res = await t.as('reader').get('/v1/actors?format=csv&limit=200');
        const csv = expectCsv(res, 'actors.csv');
        const byId = new Map(csv.rows.map((r) => [Number(r.id), r]));
        assert.deepEqual(
          ids.map((id) => byId.get(id)?.description),
          [hostile[0], ...hostile.slice(1, 6).map((d) => `'${d}`), hostile[6]],
        );
        // UTF-8 on the wire, emoji whole.
        assert.ok(Buffer.from(res.text, 'utf8').includes(Buffer.from('🦊 👩🏽‍💻', 'utf8')));
        // Numbers stay numbers, even negative ones; only text is defused.
        assert.equal(byId.get(ids[0])?.attested, 'false');
      });
    });
  });

  describe('every list route', () => {
    it('answers CSV with the same records as its JSON, for each role allowed to list', async () => {
      const { t, documentId } = await demoWithSecrets();
      const lists = t.routes.filter((r) => r.csv);
      assert.deepEqual(lists.map((r) => r.path).sort(), [
        '/v1/actors',
        '/v1/changes',
        '/v1/claims',
        '/v1/documents',
        '/v1/documents/:id/tags',
        '/v1/keys',
        '/v1/search',
        '/v1/statements',
      ]);
      for (const r of lists) {
        const path = r.path.replace(':id', String(documentId));
        const url = `${path}?${r.path === '/v1/search' ? 'q=attack&' : ''}${r.path.endsWith('/tags') ? '' : 'limit=200'}`;
        const filename = `${path.replace('/v1/', '').replaceAll('/', '-')}.csv`;
        for (const role of r.access === 'admin' ? (['admin'] as Role[]) : ROLES) {
          const json = (await t.as(role).get(url).expect(200)).body.items as Item[];
          assert.ok(json.length > 0, `${url} lists something`);
          const csv = expectCsv(await csvGet(t, role, url), filename);
          assertSameRecords(csv, json);
          assert.deepEqual(topFields(csv.header), jsonFields(json), `${role} ${url}`);
          if (role === 'reader' || role === 'journalist') assert.ok(!csv.text.includes(CANARY), `${role} ${url} leaks`);
        }
      }
    });

    it('refuses the admin-only key list in CSV to every other role, with a problem', async () => {
      const t = await makeTestApp();
      for (const role of ['reader', 'journalist', 'editor'] as Role[]) {
        const res = await t.as(role).get('/v1/keys?format=csv');
        assert.equal(res.status, 403, role);
        assert.match(res.headers['content-type'], /^application\/problem\+json/);
      }
    });
  });

  describe('GET /v1/changes', () => {
    it('shows a reader the history without a confidential value, and an editor with it, in the same columns', async () => {
      const { t, sourceId } = await demoWithSecrets();
      const url = `/v1/changes?recordType=actor&recordId=${sourceId}&format=csv`;
      const reader = expectCsv(await t.as('reader').get(url), 'changes.csv');
      const editor = expectCsv(await t.as('editor').get(url), 'changes.csv');
      assert.deepEqual(reader.header, editor.header);
      assert.ok(!reader.text.includes(CANARY));
      assert.ok(editor.text.includes(CANARY));
    });
  });

  describe('GET /v1/search', () => {
    it('has one row per hit, best first, with the speaker, snippet and match class as columns', async () => {
      const t = await makeTestApp({ demo: true });
      const q = encodeURIComponent('Days before the attack in Russia, Tehran shared information');
      const json = (await t.as('reader').get(`/v1/search?q=${q}&limit=5`).expect(200)).body;
      const csv = expectCsv(await t.as('reader').get(`/v1/search?q=${q}&limit=5&format=csv`), 'search.csv');
      assertSameRecords(csv, json.items);
      for (const h of [
        'statement.id',
        'statement.text',
        'speaker.identityStatus',
        'speaker.description',
        'snippet.text',
        'matchClass',
        'relevance',
      ]) {
        assert.ok(csv.header.includes(h), h);
      }
      assert.equal(csv.rows[0]['speaker.description'], 'one of three sources cited by Reuters');
      assert.equal(csv.rows[0].matchClass, json.items[0].matchClass);
      // The hop tree and the claims stay whole, as JSON in their cells.
      assert.deepEqual(JSON.parse(csv.rows[0].hops), json.items[0].hops);
    });

    it('pages by the search cursor in Link, and refuses a bad format', async () => {
      const t = await makeTestApp({ demo: true });
      const first = await t.as('reader').get('/v1/search?q=attack&limit=1&format=csv');
      expectCsv(first, 'search.csv');
      const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.link ?? '')?.[1];
      assert.ok(next, 'a next page');
      const second = expectCsv(await t.as('reader').get(next), 'search.csv');
      const json = (await t.as('reader').get('/v1/search?q=attack&limit=2').expect(200)).body.items as Item[];
      assert.equal(second.rows[0]['statement.id'], String((json[1].statement as Item).id));
      expectFieldErrors(await t.as('reader').get('/v1/search?q=attack&format=tsv'), ['/format'], 'query');
    });
  });
});
