import { countSql } from './helpers/count-sql.js';
import { firstValue } from './helpers/rows.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { makeTestApp, demoId, snapshot, type TestApp } from './helpers/test-app.js';
import { similarity } from '../src/tags/anchoring.js';
import type { ChangeRow } from './helpers/rows.js';
import type { ProblemBody } from './helpers/problems.js';
import type { Tag, TagChange } from '../src/generated/schema-types.js';

/** A row of the tags table; start and end are null only for orphans, which the tests that read them are not. */
interface TagRow {
  id: number;
  document_id: number;
  statement_id: number;
  relay_id: number | null;
  status: string;
  score: number;
  start: number;
  end: number;
  exact: string;
  prefix: string;
  suffix: string;
  quote: string;
  modified_at: string;
}

const cps = (s: string) => [...s];
/** Code point offsets of the one occurrence of `text` in `body`. */
function spanOf(body: string, text: string): { start: number; end: number } {
  const at = body.indexOf(text);
  assert.ok(at >= 0 && body.indexOf(text, at + 1) < 0, `expected exactly one ${JSON.stringify(text)}`);
  const start = cps(body.slice(0, at)).length;
  return { start, end: start + cps(text).length };
}
const sliceCp = (body: string, start: number, end: number) => cps(body).slice(start, end).join('');

function problem(res: Response, status: number): ProblemBody {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(res.text) as ProblemBody;
  assert.equal(body.status, status);
  return body;
}

const tagRow = async (t: TestApp, id: number) => (await t.db.queryFirst('SELECT * FROM tags WHERE id = ?', [id])) as TagRow;
const count = async (t: TestApp, table: string) => ((await t.db.queryFirst(`SELECT count(*) AS n FROM ${table}`)) as { n: number }).n;

async function newDocument(t: TestApp, body: string | null, outletName = 'The Daily Example'): Promise<{ doc: number; outlet: number }> {
  const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: outletName }).expect(201)).body.id;
  const doc = (await t.http.post('/v1/documents').send({ outletId: outlet, title: 'A test article', body }).expect(201)).body.id;
  return { doc, outlet };
}

async function newStatement(t: TestApp, text = 'a statement'): Promise<{ statement: number; speaker: number }> {
  const speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Jane Speaker' }).expect(201)).body
    .id;
  const statement = (
    await t.http.post('/v1/statements').send({ speakerId: speaker, text, textForm: 'quote', kind: 'assertion' }).expect(201)
  ).body.id;
  return { statement, speaker };
}

describe('tags', () => {
  describe('POST /v1/documents/:id/tags', () => {
    describe('on the demo Telegraph article', () => {
      let t: TestApp;
      let doc: number;
      let body: string;
      before(async () => {
        t = await makeTestApp({ demo: true });
        doc = await demoId(t.db, 'document', 'telegraph-article');
        body = (await t.http.get(`/v1/documents/${doc}`).expect(200)).body.body;
      });

      it("tags Peskov's answer and records it on the Telegraph's existing first-hand hop", async () => {
        const relaysBefore = await count(t, 'relays');
        const text = 'I do not know anything about this.';
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: text }, statementId: await demoId(t.db, 'statement', 'peskov-no-comment') })
          .expect(201);
        assert.equal(res.headers.location, `/v1/tags/${res.body.id}`);
        assert.deepEqual(
          { ...res.body, createdAt: undefined, modifiedAt: undefined, id: undefined },
          {
            id: undefined,
            documentId: doc,
            statementId: await demoId(t.db, 'statement', 'peskov-no-comment'),
            relayId: await demoId(t.db, 'relay', 'peskov-telegraph'),
            status: 'anchored',
            score: 1,
            ...spanOf(body, text),
            exact: text,
            prefix: ' Dmitry Peskov said on Monday: “',
            suffix: '”\n\nIn a video released by the FS',
            quote: text,
            speaker: {
              id: await demoId(t.db, 'actor', 'peskov'),
              kind: 'person',
              identityStatus: 'named',
              name: 'Dmitry Peskov',
              description: 'Kremlin spokesman',
              affiliation: null,
            },
            createdAt: undefined,
            modifiedAt: undefined,
            created: { statement: false, speaker: false, relay: false },
          },
        );
        assert.equal(await count(t, 'relays'), relaysBefore, 'the hop already existed');
        const row = await tagRow(t, res.body.id);
        assert.equal(row.status, 'anchored');
        assert.equal(sliceCp(body, row.start, row.end), text);
      });

      it('tags the FSB video quote on its translation hop', async () => {
        const text = 'I took weapons to them, these guys who attacked Crocus City Hall. I took them weapons from Makhachkala.';
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: spanOf(body, text), statementId: await demoId(t.db, 'statement', 'took-weapons') })
          .expect(201);
        assert.equal(res.body.exact, text);
        assert.equal(res.body.relayId, await demoId(t.db, 'relay', 'weapons-telegraph'));
        assert.equal(res.body.speaker.identityStatus, 'unidentified');
        assert.equal(res.body.speaker.description, 'a detained man shown in an FSB video');
      });

      it('tags the nested "already travelled" quote on the hop at the end of its chain', async () => {
        const text = 'some members of the group had already travelled to Russia';
        const statementId = await demoId(t.db, 'statement', 'already-travelled');
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: text, prefix: 'arrested in Iran] said ' },
            statementId,
            viaRelayId: await demoId(t.db, 'relay', 'travelled-reuters'),
          })
          .expect(201);
        assert.equal(res.body.relayId, await demoId(t.db, 'relay', 'travelled-telegraph'));
        const prov = (await t.http.get(`/v1/statements/${statementId}/provenance`).expect(200)).body;
        const path: string[] = [];
        for (let hops = prov.hops; hops.length; hops = hops[0].hops) path.push(hops[0].relayedBy.name ?? hops[0].relayedBy.description);
        assert.deepEqual(path, ['a second source', 'Reuters', 'The Telegraph'], 'no hop added to the chain');
      });

      it('tags every statement the article carries, span by span, on the hops the demo recorded', async () => {
        const spans: Array<[string, string]> = [
          [
            'tipoff',
            'Days before the attack in Russia, Tehran shared information with Moscow about a possible big terrorist attack inside Russia that was acquired during interrogations of those arrested in connection with deadly bombings in Iran.',
          ],
          ['lacked-details', 'the tip-off lacked specific details regarding timing and the exact target'],
          ['instructed', 'They [the members of Isis-K] were instructed to prepare for a significant operation in Russia...'],
          [
            'obligation',
            'As Iran has been a victim of terror attacks for years, Iranian authorities fulfilled their obligation to alert Moscow based on information acquired from those arrested terrorists.',
          ],
          ['us-warning', 'The United States had publicly warned of a possible attack in Moscow two weeks earlier.'],
          ['is-claim', 'IS claimed responsibility through its Amaq news agency'],
          ['is-claim', 'Islamic State claimed the attack'],
          ['us-attribution', 'the US has attributed the attack to the group'],
          ['putin-blames-ukraine', 'Vladimir Putin and his top security advisers have claimed that Ukraine and the West organised it'],
          ['russia-accuses', 'Russia has accused Ukraine, the US and Britain'],
        ];
        const relaysBefore = await count(t, 'relays');
        const tagsBefore = await count(t, 'tags');
        for (const [key, text] of spans) {
          const res = await t.http
            .post(`/v1/documents/${doc}/tags`)
            .send({ selector: { exact: text }, statementId: await demoId(t.db, 'statement', key) })
            .expect(201);
          assert.equal(
            res.body.relayId,
            await demoId(
              t.db,
              'relay',
              `${key === 'tipoff' ? 'tipoff' : key === 'lacked-details' ? 'lacked' : key === 'us-warning' ? 'us-warning' : key === 'putin-blames-ukraine' ? 'putin' : key}-telegraph`,
            ),
            key,
          );
        }
        assert.equal(await count(t, 'relays'), relaysBefore, 'every statement reached the article on a hop the demo already has');
        const list = (await t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body;
        assert.equal(list.total, tagsBefore + spans.length);
        const starts = list.items.map((x: Tag) => x.start);
        assert.deepEqual(
          starts,
          [...starts].sort((a, b) => a - b),
          'text order',
        );
        for (const item of list.items) assert.equal(sliceCp(body, item.start, item.end), item.exact);
        assert.equal(list.items[0].exact, 'Islamic State claimed the attack');
      });
    });

    describe('selector forms', () => {
      const text = 'The mayor said no. The council said yes. Later the mayor said maybe.';
      let t: TestApp;
      let doc: number;
      let statement: number;
      before(async () => {
        t = await makeTestApp();
        ({ doc } = await newDocument(t, text));
        ({ statement } = await newStatement(t));
      });
      const tag = (selector: object) => t.http.post(`/v1/documents/${doc}/tags`).send({ selector, statementId: statement });

      it('offsets only', async () => {
        const res = await tag({ start: 23, end: 30 }).expect(201);
        assert.deepEqual([res.body.start, res.body.end, res.body.exact, res.body.prefix], [23, 30, 'council', 'The mayor said no. The ']);
      });
      it('exact only, when it occurs once', async () => {
        const res = await tag({ exact: 'said yes' }).expect(201);
        assert.deepEqual([res.body.start, res.body.end], [31, 39]);
      });
      it('exact with a prefix that tells repeats apart', async () => {
        const res = await tag({ exact: 'mayor said', prefix: 'Later the ' }).expect(201);
        assert.equal(res.body.start, 51);
      });
      it('exact with a suffix that tells repeats apart', async () => {
        const res = await tag({ exact: 'mayor said', suffix: ' no' }).expect(201);
        assert.equal(res.body.start, 4);
      });
      it('offsets and exact together, and exact with a single offset', async () => {
        assert.equal((await tag({ start: 4, end: 14, exact: 'mayor said', prefix: 'The ', suffix: ' no.' }).expect(201)).body.start, 4);
        assert.equal((await tag({ start: 51, exact: 'mayor said' }).expect(201)).body.end, 61);
        assert.equal((await tag({ end: 61, exact: 'mayor said' }).expect(201)).body.start, 51);
      });
      it('needs offsets or exact (400)', async () => {
        problem(await tag({ start: 3 }), 400);
        problem(await tag({ prefix: 'The ' }), 400);
        problem(await tag({ start: -1, end: 3 }), 400);
        problem(await tag({ start: 1, end: 3, colour: 'red' }), 400);
      });
    });

    describe('statement and hop', () => {
      it('describes a new statement inline with an existing speaker; its text defaults to the tagged text', async () => {
        const t = await makeTestApp();
        const { doc, outlet } = await newDocument(t, 'The minister said: “We will cut taxes.” Critics disagreed.');
        const speaker = (
          await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'The Minister' }).expect(201)
        ).body.id;
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: 'We will cut taxes.' },
            statement: { speakerId: speaker, textForm: 'quote', kind: 'assertion', saidOn: '2024-05' },
            hop: { cue: 'The minister said', relayedOn: '2024-05' },
          })
          .expect(201);
        assert.deepEqual(res.body.created, { statement: true, speaker: false, relay: true });
        const st = (await t.http.get(`/v1/statements/${res.body.statementId}`).expect(200)).body;
        assert.deepEqual([st.text, st.speakerId, st.saidOn], ['We will cut taxes.', speaker, '2024-05']);
        const relay = (await t.http.get(`/v1/relays/${res.body.relayId}`).expect(200)).body;
        assert.deepEqual(
          [relay.relayedById, relay.documentId, relay.viaRelayId, relay.firstHand, relay.mode, relay.cue, relay.hedge],
          [outlet, doc, null, true, 'verbatim', 'The minister said', 'said'],
        );
      });

      it('describes the speaker inline too (an anonymous source), through the actor rules', async () => {
        const t = await makeTestApp();
        const { doc } = await newDocument(t, 'A senior official said the talks had failed.');
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: 'the talks had failed' },
            statement: {
              speaker: {
                kind: 'person',
                identityStatus: 'anonymous',
                description: 'a senior official',
                anonymityReason: 'not authorised to speak',
              },
              textForm: 'paraphrase',
              kind: 'assertion',
            },
          })
          .expect(201);
        assert.deepEqual(res.body.created, { statement: true, speaker: true, relay: true });
        assert.equal(res.body.speaker.description, 'a senior official');
        assert.equal((await t.http.get(`/v1/relays/${res.body.relayId}`).expect(200)).body.mode, 'paraphrase');
        // A named actor without a name breaks the actor rules: 400, and nothing is written.
        const before = await snapshot(t.db);
        problem(
          await t.http.post(`/v1/documents/${doc}/tags`).send({
            selector: { exact: 'the talks' },
            statement: { speaker: { kind: 'person', identityStatus: 'named' }, textForm: 'paraphrase', kind: 'assertion' },
          }),
          400,
        );
        assert.deepEqual(await snapshot(t.db), before);
      });

      it('records the hop via the earlier hop the journalist names (the Reuters hop)', async () => {
        const t = await makeTestApp({ demo: true });
        const { doc, outlet } = await newDocument(
          t,
          'Moscow denied it. Peskov told reporters: “I do not know anything about this.”',
          'Le Monde',
        );
        const statementId = await demoId(t.db, 'statement', 'peskov-no-comment');
        const via = await demoId(t.db, 'relay', 'peskov-telegraph');
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: 'I do not know anything about this.' },
            statementId,
            viaRelayId: via,
            hop: { cue: 'Peskov told reporters' },
          })
          .expect(201);
        assert.equal(res.body.created.relay, true);
        const relay = (await t.http.get(`/v1/relays/${res.body.relayId}`).expect(200)).body;
        assert.deepEqual([relay.relayedById, relay.documentId, relay.viaRelayId, relay.firstHand], [outlet, doc, via, false]);
      });

      it('tagging the same statement twice in a document adds a tag, not a hop', async () => {
        const t = await makeTestApp();
        const { doc } = await newDocument(t, 'She said “no”. Later, again: “no”.');
        const { statement } = await newStatement(t, 'no');
        const a = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'no', suffix: '”. Later' }, statementId: statement })
          .expect(201);
        const relays = await count(t, 'relays');
        const b = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'no', prefix: 'again: “' }, statementId: statement })
          .expect(201);
        assert.equal(b.body.relayId, a.body.relayId);
        assert.equal(b.body.created.relay, false);
        assert.equal(await count(t, 'relays'), relays);
        assert.equal(await count(t, 'tags'), 2);
      });

      it('refuses a hop that contradicts the one the document already has (409)', async () => {
        const t = await makeTestApp({ demo: true });
        const doc = await demoId(t.db, 'document', 'telegraph-article');
        const statementId = await demoId(t.db, 'statement', 'already-travelled');
        const sel = { exact: 'some members of the group had already travelled to Russia' };
        const before = await snapshot(t.db);
        let p = problem(await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: sel, statementId, viaRelayId: null }), 409);
        assert.equal(p.relayId, await demoId(t.db, 'relay', 'travelled-telegraph'));
        assert.match(p.detail, /came via relay/);
        p = problem(
          await t.http
            .post(`/v1/documents/${doc}/tags`)
            .send({ selector: sel, statementId, hop: { mode: 'summary', cue: 'said the source' } }),
          409,
        );
        assert.deepEqual(
          p.errors.map((e) => [e.pointer, e.expected]),
          [['/hop/mode', 'verbatim']],
        );
        assert.deepEqual(await snapshot(t.db), before);
      });
    });

    describe('errors', () => {
      const text = 'Alpha said one thing. Beta said another thing. Gamma said nothing.';
      let t: TestApp;
      let doc: number;
      let statement: number;
      before(async () => {
        t = await makeTestApp();
        ({ doc } = await newDocument(t, text));
        ({ statement } = await newStatement(t));
      });
      const tag = (selector: object, extra: object = {}) =>
        t.http.post(`/v1/documents/${doc}/tags`).send({ selector, statementId: statement, ...extra });

      it('offsets out of range: 422 with the body length and what it holds there', async () => {
        const p = problem(await tag({ start: 60, end: 90 }), 422);
        assert.equal(p.bodyLength, cps(text).length);
        assert.deepEqual(p.found, { start: 60, end: cps(text).length, text: text.slice(60) });
        assert.equal(p.errors[0].pointer, '/selector/end');
        const q = problem(await tag({ end: 3, exact: 'Alpha said' }), 422);
        assert.equal(q.errors[0].pointer, '/selector/end');
      });
      it('end before start: 422 showing the text between them', async () => {
        const p = problem(await tag({ start: 10, end: 6 }), 422);
        assert.deepEqual(p.found, { start: 6, end: 10, text: 'said' });
        assert.equal(p.errors[0].pointer, '/selector/end');
      });
      it('exact not matching the body at the offsets: 422 showing what the body holds there', async () => {
        const p = problem(await tag({ start: 0, end: 10, exact: 'Alpha sang' }), 422);
        assert.match(p.detail, /holds "Alpha said"/);
        assert.deepEqual(p.found, { start: 0, end: 10, text: 'Alpha said', prefix: '', suffix: ' one thing. Beta said another th' });
        assert.equal(p.errors[0].pointer, '/selector/exact');
        const q = problem(await tag({ start: 0, end: 10, prefix: 'X' }), 422);
        assert.equal(q.errors[0].pointer, '/selector/prefix');
      });
      it('exact found more than once without disambiguation: 409 listing the candidates', async () => {
        const p = problem(await tag({ exact: 'said' }), 409);
        assert.deepEqual(
          p.candidates.map((c) => [c.start, c.end]),
          [
            [6, 10],
            [27, 31],
            [53, 57],
          ],
        );
        assert.equal(p.candidates[1].prefix, 'Alpha said one thing. Beta ');
        assert.equal(p.candidates[1].suffix, ' another thing. Gamma said nothi');
        assert.equal(p.errors[0].pointer, '/selector/exact');
        problem(await tag({ exact: 'thing.' }), 409);
        assert.equal((await tag({ exact: 'thing.', prefix: 'another ' }).expect(201)).body.start, 40);
      });
      it('exact not found: 422', async () => {
        problem(await tag({ exact: 'Delta' }), 422);
        problem(await tag({ exact: 'said', prefix: 'Delta ' }), 422);
      });
      it('a document without a body: 422', async () => {
        const { doc: empty } = await newDocument(t, null, 'Another outlet');
        const p = problem(
          await t.http.post(`/v1/documents/${empty}/tags`).send({ selector: { start: 0, end: 1 }, statementId: statement }),
          422,
        );
        assert.match(p.detail, /no body/);
      });
      it('unknown document (404), statement (422) or earlier hop (422)', async () => {
        problem(await t.http.post('/v1/documents/9999/tags').send({ selector: { start: 0, end: 5 }, statementId: statement }), 404);
        assert.equal(problem(await tag({ start: 0, end: 5 }, { statementId: 9999 }), 422).errors[0].pointer, '/statementId');
        assert.equal(problem(await tag({ start: 0, end: 5 }, { viaRelayId: 9999 }), 422).errors[0].pointer, '/viaRelayId');
        const other = await newStatement(t, 'other');
        const otherHop = (
          await t.http.post(`/v1/statements/${other.statement}/relays`).send({ relayedById: other.speaker, mode: 'verbatim' }).expect(201)
        ).body.id;
        const p = problem(await tag({ start: 0, end: 5 }, { viaRelayId: otherHop }), 422);
        assert.match(p.errors[0].message, /must be a hop of statement/);
      });
      it('statementId and statement together, or neither, and the same for speakerId and speaker: 400', async () => {
        problem(await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { start: 0, end: 5 } }), 400);
        problem(await tag({ start: 0, end: 5 }, { statement: { speakerId: 1, textForm: 'quote', kind: 'assertion' } }), 400);
        const speaker = { kind: 'person', identityStatus: 'named', name: 'Someone' };
        const send = (statement: object) => t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { start: 0, end: 5 }, statement });
        assert.equal(
          problem(await send({ speakerId: 1, speaker, textForm: 'quote', kind: 'assertion' }), 400).errors[0].pointer,
          '/statement',
        );
        assert.equal(problem(await send({ textForm: 'quote', kind: 'assertion' }), 400).errors[0].pointer, '/statement');
      });
      it('writes nothing when refused', async () => {
        const before = await snapshot(t.db);
        await tag({ exact: 'said' }).expect(409);
        await tag({ start: 0, end: 10, exact: 'nope' }).expect(422);
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({
            selector: { exact: 'nothing at all' },
            statement: { speaker: { kind: 'person', identityStatus: 'named', name: 'New Person' }, textForm: 'quote', kind: 'assertion' },
          })
          .expect(422);
        assert.deepEqual(await snapshot(t.db), before);
      });
    });

    describe('offsets in code points', () => {
      it('counts characters outside the BMP (emoji) before the span as one each', async () => {
        const t = await makeTestApp();
        const body = '🔥🇺🇦 Live: 👍🏽 the minister said “we will resign”.';
        const { doc } = await newDocument(t, body);
        const { statement } = await newStatement(t);
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'we will resign' }, statementId: statement })
          .expect(201);
        assert.deepEqual([res.body.start, res.body.end], [32, 46]);
        assert.equal(body.indexOf('we will resign'), 37, 'UTF-16 offsets would be off by five');
        assert.equal(sliceCp(body, 32, 46), 'we will resign');
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { start: 32, end: 46, exact: 'we will resign' }, statementId: statement })
          .expect(201);
        const p = problem(
          await t.http
            .post(`/v1/documents/${doc}/tags`)
            .send({ selector: { start: 37, end: 51, exact: 'we will resign' }, statementId: statement }),
          422,
        );
        assert.equal(p.found.text, 'll resign”.');
        // A span may start or end on an emoji; it is never split.
        const e = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { start: 0, end: 2 }, statementId: statement })
          .expect(201);
        assert.equal(e.body.exact, '🔥🇺');
      });

      it('keeps CRLF line endings as two code points, never normalised', async () => {
        const t = await makeTestApp();
        const body = 'Headline\r\n\r\nThe mayor said:\r\n“We are ready.”\r\nEnd.';
        const { doc } = await newDocument(t, body);
        const { statement } = await newStatement(t);
        const res = await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'said:\r\n“We are ready.”' }, statementId: statement })
          .expect(201);
        assert.deepEqual([res.body.start, res.body.end], spanOf(body, 'said:\r\n“We are ready.”') && [22, 44]);
        assert.equal(res.body.prefix, 'Headline\r\n\r\nThe mayor ');
        problem(
          await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact: 'said:\n“We are ready.”' }, statementId: statement }),
          422,
        );
        assert.equal((await t.http.get(`/v1/documents/${doc}`).expect(200)).body.body, body, 'stored body unchanged');
      });
    });
  });

  describe('GET /v1/documents/:id/tags', () => {
    it('lists in text order, orphaned last, with status, counts and a status filter', async () => {
      const t = await makeTestApp();
      const body = 'One: alpha beta. Two: gamma delta. Three: epsilon zeta.';
      const { doc } = await newDocument(t, body);
      const { statement } = await newStatement(t);
      for (const exact of ['epsilon zeta', 'alpha beta', 'gamma delta']) {
        await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact }, statementId: statement }).expect(201);
      }
      await t.http.patch(`/v1/documents/${doc}`).send({ body: 'Three: epsilon zeta. One: alpha beta.' }).expect(200);
      const list = (await t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body;
      assert.deepEqual(
        list.items.map((x: Tag) => [x.exact, x.status, x.start]),
        [
          ['epsilon zeta', 'moved', 7],
          ['alpha beta', 'moved', 26],
          ['gamma delta', 'orphaned', null],
        ],
      );
      assert.deepEqual(list.counts, { anchored: 0, moved: 2, fuzzy: 0, orphaned: 1 });
      assert.equal(list.total, 3);
      const orphans = (await t.http.get(`/v1/documents/${doc}/tags?status=orphaned`).expect(200)).body;
      assert.deepEqual(
        orphans.items.map((x: Tag) => x.exact),
        ['gamma delta'],
      );
      problem(await t.http.get(`/v1/documents/${doc}/tags?status=lost`), 400);
      problem(await t.http.get('/v1/documents/9999/tags'), 404);
    });
  });

  describe('GET and DELETE /v1/tags/:id', () => {
    it('reads a tag; deleting it keeps the hop it recorded', async () => {
      const t = await makeTestApp();
      const { doc } = await newDocument(t, 'Nobody said anything.');
      const { statement } = await newStatement(t);
      const tag = (
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'anything' }, statementId: statement })
          .expect(201)
      ).body;
      assert.equal((await t.http.get(`/v1/tags/${tag.id}`).expect(200)).body.exact, 'anything');
      await t.http.delete(`/v1/tags/${tag.id}`).expect(204);
      problem(await t.http.get(`/v1/tags/${tag.id}`), 404);
      problem(await t.http.delete(`/v1/tags/${tag.id}`), 404);
      assert.ok((await t.http.get(`/v1/relays/${tag.relayId}`).expect(200)).body.id);
    });

    it('goes when its document, statement or hop goes', async () => {
      const t = await makeTestApp();
      const { doc } = await newDocument(t, 'Nobody said anything.');
      const { statement } = await newStatement(t);
      const tag = (
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'anything' }, statementId: statement })
          .expect(201)
      ).body;
      problem(await t.http.delete(`/v1/statements/${statement}`), 409);
      await t.http.delete(`/v1/statements/${statement}?cascade=true`).expect(204);
      problem(await t.http.get(`/v1/tags/${tag.id}`), 404);
    });
  });

  describe('PATCH /v1/tags/:id', () => {
    const body = 'Intro line. The minister said the plan would cut costs by ten percent. Critics called it vague.';
    async function setup() {
      const t = await makeTestApp();
      const { doc } = await newDocument(t, body);
      const { statement } = await newStatement(t);
      const tag = (
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'the plan would cut costs by ten percent' }, statementId: statement })
          .expect(201)
      ).body;
      const edit = async (next: string) => (await t.http.patch(`/v1/documents/${doc}`).send({ body: next }).expect(200)).body;
      return { t, doc, tag, edit };
    }

    describe('accept', () => {
      it('accepts a fuzzy match: anchored, score 1, its text the new quote, and later edits measure against it', async () => {
        const { t, tag, edit } = await setup();
        const fuzzy = body.replace('cut costs', 'reduce costs');
        await edit(fuzzy);
        assert.equal((await tagRow(t, tag.id)).status, 'fuzzy');
        const res = await t.http.patch(`/v1/tags/${tag.id}`).send({ accept: true }).expect(200);
        assert.deepEqual(
          [res.body.status, res.body.score, res.body.exact, res.body.quote],
          ['anchored', 1, 'the plan would reduce costs by ten percent', 'the plan would reduce costs by ten percent'],
        );
        const row = await tagRow(t, tag.id);
        assert.deepEqual([row.status, row.score, row.quote, row.start, row.end], ['anchored', 1, res.body.exact, tag.start, tag.end + 3]);
        // An edit elsewhere keeps it anchored: the accepted text is what it is measured against now.
        const later = await edit(fuzzy.replace('Intro', 'Opening'));
        assert.equal(later.tags[0].status, 'moved');
        assert.equal(later.tags[0].score, 1);
      });

      it('is recorded in the history with the text before and after', async () => {
        const { t, tag, edit } = await setup();
        await edit(body.replace('cut costs', 'reduce costs'));
        const before = ((await t.db.queryFirst('SELECT max(seq) AS s FROM changes')) as { s: number }).s;
        await t.http.patch(`/v1/tags/${tag.id}`).send({ accept: true }).expect(200);
        const rows = (await t.db.query('SELECT * FROM changes WHERE seq > ?', [before])) as ChangeRow[];
        assert.equal(rows.length, 1);
        assert.deepEqual([rows[0].record_type, rows[0].action, rows[0].record_id], ['tag', 'update', String(tag.id)]);
        assert.equal(JSON.parse(rows[0].before).quote, tag.quote);
        assert.equal(JSON.parse(rows[0].after).quote, 'the plan would reduce costs by ten percent');
      });

      it('changes nothing, and records nothing, for a tag that is already anchored', async () => {
        const { t, tag } = await setup();
        const snap = await snapshot(t.db);
        const res = await t.http.patch(`/v1/tags/${tag.id}`).send({ accept: true }).expect(200);
        assert.equal(res.body.status, 'anchored');
        assert.deepEqual(await snapshot(t.db), snap);
      });

      it('409s an orphan (nothing to accept) and leaves it as it was', async () => {
        const { t, tag, edit } = await setup();
        await edit('Something else entirely, about the weather and nothing more.');
        assert.equal((await tagRow(t, tag.id)).status, 'orphaned');
        const snap = await snapshot(t.db);
        const p = problem(await t.http.patch(`/v1/tags/${tag.id}`).send({ accept: true }), 409);
        assert.equal(p.errors[0].pointer, '/accept');
        assert.deepEqual(await snapshot(t.db), snap);
      });
    });

    describe('re-anchor', () => {
      it('re-anchors an orphan at newly selected text', async () => {
        const { t, tag, edit } = await setup();
        const next = 'Costs will fall by a tenth under the plan, the minister said. Critics called it vague.';
        await edit(next);
        assert.equal((await tagRow(t, tag.id)).status, 'orphaned');
        const span = spanOf(next, 'Costs will fall by a tenth under the plan');
        const res = await t.http.patch(`/v1/tags/${tag.id}`).send({ selector: span }).expect(200);
        assert.deepEqual(
          [res.body.status, res.body.score, res.body.start, res.body.end, res.body.exact, res.body.quote],
          ['anchored', 1, span.start, span.end, 'Costs will fall by a tenth under the plan', 'Costs will fall by a tenth under the plan'],
        );
        assert.equal(res.body.suffix.startsWith(', the minister said'), true);
        assert.equal((await tagRow(t, tag.id)).status, 'anchored');
        assert.equal((await t.http.get(`/v1/documents/${tag.documentId}/tags?status=orphaned`).expect(200)).body.total, 0);
      });

      it('moves an anchored tag to a quote found by its text', async () => {
        const { t, tag } = await setup();
        const res = await t.http
          .patch(`/v1/tags/${tag.id}`)
          .send({ selector: { exact: 'Critics called it vague.' } })
          .expect(200);
        assert.deepEqual([res.body.start, res.body.exact], [spanOf(body, 'Critics called it vague.').start, 'Critics called it vague.']);
        assert.equal(res.body.statementId, tag.statementId);
        assert.equal(res.body.relayId, tag.relayId);
      });

      it('422s a selector the body does not hold, naming the field, and changes nothing', async () => {
        const { t, tag } = await setup();
        const snap = await snapshot(t.db);
        const p = problem(await t.http.patch(`/v1/tags/${tag.id}`).send({ selector: { exact: 'not in the text' } }), 422);
        assert.equal(p.errors[0].pointer, '/selector/exact');
        const q = problem(await t.http.patch(`/v1/tags/${tag.id}`).send({ selector: { start: 5, end: 999 } }), 422);
        assert.equal(q.bodyLength, [...body].length);
        assert.deepEqual(await snapshot(t.db), snap);
      });
    });

    describe('bad requests', () => {
      it('400s a body with both, neither, or accept: false; 404s an unknown tag', async () => {
        const { t, tag } = await setup();
        for (const bad of [{}, { accept: false }, { accept: true, selector: { exact: 'Intro' } }, { accept: true, note: 'x' }]) {
          problem(await t.http.patch(`/v1/tags/${tag.id}`).send(bad), 400);
        }
        problem(await t.http.patch('/v1/tags/99999').send({ accept: true }), 404);
      });

      it("needs a journalist's key", async () => {
        const { t, tag } = await setup();
        problem(await t.as('reader').patch(`/v1/tags/${tag.id}`).send({ accept: true }), 403);
        await t.as('journalist').patch(`/v1/tags/${tag.id}`).send({ accept: true }).expect(200);
      });
    });
  });

  describe('PATCH /v1/documents/:id re-anchors tags', () => {
    const base = 'Intro line.\r\nThe minister said the plan would cut costs by ten percent.\r\nCritics called it vague.\r\nThe end.';
    async function setup() {
      const t = await makeTestApp();
      const { doc } = await newDocument(t, base);
      const { statement } = await newStatement(t);
      const tag = async (exact: string) =>
        (await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact }, statementId: statement }).expect(201)).body;
      const plan = await tag('the plan would cut costs by ten percent');
      const critics = await tag('Critics called it vague.');
      const edit = async (body: string | null) => (await t.http.patch(`/v1/documents/${doc}`).send({ body }).expect(200)).body;
      return { t, doc, plan, critics, edit };
    }

    it('anchored: an edit after the span leaves it in place', async () => {
      const { t, plan, edit } = await setup();
      const res = await edit(base.replace('The end.', 'The end. More to follow.'));
      const change = res.tags.find((x: TagChange) => x.id === plan.id);
      assert.deepEqual(change, {
        id: plan.id,
        status: 'anchored',
        score: 1,
        start: plan.start,
        end: plan.end,
        exact: plan.exact,
        previous: { status: 'anchored', start: plan.start, end: plan.end, exact: plan.exact },
      });
      assert.equal((await tagRow(t, plan.id)).status, 'anchored');
    });

    it('moved: text inserted before the span (emoji counted as one code point each) shifts it', async () => {
      const { t, plan, critics, edit } = await setup();
      const res = await edit('🔥 Update 👍🏽:\r\n' + base);
      const byId = new Map<number, TagChange>(res.tags.map((x: TagChange) => [x.id, x]));
      for (const tag of [plan, critics]) {
        const c = byId.get(tag.id)!;
        assert.deepEqual([c.status, c.start, c.end, c.exact, c.score], ['moved', tag.start + 14, tag.end + 14, tag.exact, 1]);
        const row = await tagRow(t, tag.id);
        assert.deepEqual(
          [row.status, row.start, row.end, row.exact, row.prefix.endsWith(tag.prefix.slice(-10))],
          ['moved', tag.start + 14, tag.end + 14, tag.exact, true],
        );
      }
      // A later edit elsewhere: the tags stay where they are now, anchored.
      const again = await edit('🔥 Update 👍🏽:\r\n' + base + ' Fin.');
      assert.deepEqual(
        again.tags.map((x: TagChange) => x.status),
        ['anchored', 'anchored'],
      );
    });

    it('moved: a cut-and-pasted paragraph is followed to its new place', async () => {
      const { plan, critics, edit } = await setup();
      const res = await edit(
        'Critics called it vague.\r\nIntro line.\r\nThe minister said the plan would cut costs by ten percent.\r\nThe end.',
      );
      const c = res.tags.find((x: TagChange) => x.id === critics.id);
      assert.deepEqual([c.status, c.start, c.exact], ['moved', 0, critics.exact]);
      assert.equal(res.tags.find((x: TagChange) => x.id === plan.id).status, 'moved');
    });

    it('fuzzy: a word changed inside the span gives the new text and its similarity to the quote', async () => {
      const { t, plan, edit } = await setup();
      const res = await edit(base.replace('cut costs', 'reduce costs'));
      const c = res.tags.find((x: TagChange) => x.id === plan.id);
      assert.equal(c.status, 'fuzzy');
      assert.equal(c.exact, 'the plan would reduce costs by ten percent');
      assert.equal(c.score, similarity(c.exact, plan.quote));
      assert.ok(c.score > 0.75 && c.score < 1);
      const row = await tagRow(t, plan.id);
      assert.deepEqual([row.status, row.exact, row.quote, row.score], ['fuzzy', c.exact, plan.quote, c.score]);
      // Edits elsewhere keep it fuzzy: it is still not the words that were tagged.
      const later = await edit(base.replace('cut costs', 'reduce costs').replace('Intro', 'Opening'));
      assert.equal(later.tags.find((x: TagChange) => x.id === plan.id).status, 'fuzzy');
      // Putting the tagged words back makes it whole again (moved: its end comes back).
      const back = (await edit(base)).tags.find((x: TagChange) => x.id === plan.id);
      assert.deepEqual([back.status, back.start, back.end, back.exact, back.score], ['moved', plan.start, plan.end, plan.quote, 1]);
    });

    it('fuzzy edits cannot drift a tag away from its quote: far enough from it, the tag is orphaned', async () => {
      const { plan, edit } = await setup();
      let body = base;
      const steps = ['would cut costs', 'would cut spending', 'might cut spending', 'might trim spending', 'may trim spending'];
      const statuses: string[] = [];
      for (let i = 1; i < steps.length; i++) {
        body = body.replace(steps[i - 1], steps[i]);
        const c = (await edit(body)).tags.find((x: TagChange) => x.id === plan.id);
        statuses.push(c.status);
        if (c.status === 'fuzzy') assert.ok(similarity(c.exact, plan.quote) >= 0.75);
      }
      assert.equal(statuses.at(-1), 'orphaned', statuses.join(','));
    });

    it('orphaned: deleting the quoted text keeps the tag, with its last known text, listed last', async () => {
      const { t, doc, plan, critics, edit } = await setup();
      const res = await edit(base.replace('The minister said the plan would cut costs by ten percent.\r\n', ''));
      const c = res.tags.find((x: TagChange) => x.id === plan.id);
      assert.deepEqual(c, {
        id: plan.id,
        status: 'orphaned',
        score: 0,
        start: null,
        end: null,
        exact: null,
        previous: { status: 'anchored', start: plan.start, end: plan.end, exact: plan.exact },
      });
      assert.equal(res.tags.at(-1).id, plan.id, 'orphans last in the report');
      const row = await tagRow(t, plan.id);
      assert.deepEqual(
        [row.status, row.start, row.end, row.exact, row.quote, row.score],
        ['orphaned', null, null, plan.exact, plan.quote, 0],
      );
      const list = (await t.http.get(`/v1/documents/${doc}/tags`).expect(200)).body;
      assert.deepEqual(
        list.items.map((x: Tag) => [x.id, x.status]),
        [
          [critics.id, 'moved'],
          [plan.id, 'orphaned'],
        ],
      );
      // Restoring the text finds the orphan again.
      const back = await edit(base);
      assert.deepEqual(
        back.tags.map((x: TagChange) => [x.id, x.status, x.start]),
        [
          [plan.id, 'moved', plan.start],
          [critics.id, 'moved', critics.start],
        ],
      );
    });

    it('orphaned: the quoted words deleted, though the same words stand elsewhere in the body', async () => {
      const t = await makeTestApp();
      const body = 'He said no. Then she said no. Finally they said no.';
      const { doc } = await newDocument(t, body);
      const { statement } = await newStatement(t);
      const tag = (
        await t.http
          .post(`/v1/documents/${doc}/tags`)
          .send({ selector: { exact: 'no', prefix: 'she said ' }, statementId: statement })
          .expect(201)
      ).body;
      const res = (await t.http.patch(`/v1/documents/${doc}`).send({ body: 'He said no. Finally they said no.' }).expect(200)).body;
      assert.equal(res.tags[0].status, 'orphaned');
      assert.equal((await tagRow(t, tag.id)).status, 'orphaned');
    });

    it('a body removed orphans every tag; tags of other documents are untouched', async () => {
      const { t, plan, critics, edit } = await setup();
      const other = await newDocument(t, base, 'Other outlet');
      const { statement } = await newStatement(t);
      const otherTag = (
        await t.http
          .post(`/v1/documents/${other.doc}/tags`)
          .send({ selector: { exact: 'The end.' }, statementId: statement })
          .expect(201)
      ).body;
      const res = await edit(null);
      assert.deepEqual(
        res.tags.map((x: TagChange) => [x.id, x.status]).sort(),
        [
          [plan.id, 'orphaned'],
          [critics.id, 'orphaned'],
        ].sort(),
      );
      assert.equal((await tagRow(t, otherTag.id)).status, 'anchored');
      assert.equal((await tagRow(t, otherTag.id)).modified_at, otherTag.modifiedAt);
    });

    it('a PATCH that leaves the body alone reports no tags; a refused PATCH changes none', async () => {
      const { t, plan, edit } = await setup();
      void edit;
      const res = (await t.http.patch(`/v1/documents/${plan.documentId}`).send({ title: 'New title' }).expect(200)).body;
      assert.equal(res.tags, undefined);
      const before = await snapshot(t.db);
      problem(await t.http.patch(`/v1/documents/${plan.documentId}`).send({ body: 'x', outletId: 9999 }), 422);
      assert.deepEqual(await snapshot(t.db), before);
    });

    it('loads the tags with one query and writes them back with one, however many there are', async () => {
      const t = await makeTestApp();
      const words = Array.from({ length: 80 }, (_, i) => `word${i}x`);
      const { doc } = await newDocument(t, words.join(' '));
      const { statement } = await newStatement(t);
      let at = 0;
      for (const w of words) {
        await t.db.transaction(() => t.services.tags.create(doc, { selector: { start: at, end: at + w.length }, statementId: statement }));
        at += w.length + 1;
      }
      const counted = countSql(t.db);
      const statements = counted.sql;
      try {
        const report = await t.db.transaction(() => t.services.tags.reanchorDocument(doc, words.join(' '), 'New lead. ' + words.join(' ')));
        assert.equal(report.tags.length, 80);
        assert.ok(report.tags.every((x: TagChange) => x.status === 'moved'));
      } finally {
        counted.restore();
      }
      assert.equal(statements.length, 2, statements.join('\n'));
      assert.match(statements[0], /^select/i);
      assert.match(statements[1], /UPDATE tags/);
      const rows = (await t.db.query('SELECT "start" FROM tags WHERE document_id = ? ORDER BY "start"', [doc])).map(firstValue) as number[];
      assert.equal(rows[0], 10);
    });

    it('re-anchors on CRLF bodies without normalising line endings', async () => {
      const { plan, critics, edit } = await setup();
      const edited = base.replace('Intro line.\r\n', 'Intro line.\r\nA new second line.\r\n');
      const res = await edit(edited);
      for (const tag of [plan, critics]) {
        const c = res.tags.find((x: TagChange) => x.id === tag.id);
        assert.equal(c.status, 'moved');
        assert.equal(sliceCp(edited, c.start, c.end), tag.exact);
        assert.equal(c.start, tag.start + 20);
      }
    });
  });

  describe('property: random edits to a tagged body', () => {
    // Words drawn without repeats, so where a tag's text went is never a matter of taste.
    const word = fc.stringMatching(/^[a-z]{3,8}$/);
    const emoji = fc.constantFrom('😀', '👍🏽', '🇫🇷', 'é');
    const sep = fc.constantFrom(' ', ' ', ' ', ', ', '. ', '.\r\n', ' “', '” ');

    it('re-anchors every tag to its exact quote, to close text (fuzzy), or reports it orphaned; never elsewhere', async function () {
      this.timeout(120_000);
      const t = await makeTestApp();
      const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Property Post' }).expect(201))
        .body.id;
      const { statement } = await newStatement(t);
      const outcomes: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(word, { minLength: 30, maxLength: 80 }),
          fc.array(fc.tuple(sep, emoji, fc.nat({ max: 9 })), { minLength: 80, maxLength: 80 }),
          fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 })), { minLength: 1, maxLength: 8 }),
          fc.array(
            fc.record({
              kind: fc.constantFrom('insert', 'delete', 'replace', 'typo', 'move'),
              at: fc.nat(),
              len: fc.nat({ max: 40 }),
              fresh: fc.nat({ max: 5 }),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          async (words, seps, tagSeeds, edits) => {
            // A body whose pieces remember where they came from: ground truth for every edit.
            let pieces: string[] = [];
            words.forEach((w, i) => pieces.push(w, seps[i][2] === 0 ? ` ${seps[i][1]} ` : seps[i][0]));
            const body = pieces.join('');
            const bodyCps = cps(body);
            const doc = (await t.db.transaction(() => t.services.documents.create({ outletId: outlet, title: 'Property test', body }))).id;
            // Tags on whole words, 1 to 6 words long.
            const wordStarts: number[] = [];
            bodyCps.forEach((c, i) => {
              if (/[a-z]/.test(c) && (i === 0 || !/[a-z]/.test(bodyCps[i - 1]))) wordStarts.push(i);
            });
            const tags = [];
            for (const [a, n] of tagSeeds) {
              const w = a % wordStarts.length;
              const start = wordStarts[w];
              let end = start;
              const lastWord = Math.min(wordStarts.length - 1, w + n);
              end = wordStarts[lastWord];
              while (end < bodyCps.length && /[a-z]/.test(bodyCps[end])) end++;
              tags.push(await t.db.transaction(() => t.services.tags.create(doc, { selector: { start, end }, statementId: statement })));
            }
            // Apply the edits to code points tagged with their original index (-1: written by the edit).
            const cur: Array<[string, number]> = bodyCps.map((c, i) => [c, i]);
            let freshWord = 0;
            const fresh = (n: number) =>
              cps(Array.from({ length: n + 1 }, () => `zq${(freshWord++).toString(36)}x`).join(' ') + ' ').map(
                (c) => [c, -1] as [string, number],
              );
            for (const e of edits) {
              const at = e.at % (cur.length + 1);
              if (e.kind === 'insert') cur.splice(at, 0, ...fresh(e.fresh));
              else if (e.kind === 'delete') cur.splice(at, e.len);
              else if (e.kind === 'replace') cur.splice(at, Math.min(e.len, 8), ...fresh(0));
              else if (e.kind === 'typo') {
                if (at < cur.length) cur.splice(at, 1, ['Q', -1]);
              } else {
                const cut = cur.splice(at, e.len);
                const to = (e.fresh * 997) % (cur.length + 1);
                cur.splice(to, 0, ...cut);
              }
            }
            const edited = cur.map((x) => x[0]).join('');
            const newPos = new Map<number, number>();
            cur.forEach(([, o], i) => {
              if (o >= 0) newPos.set(o, i);
            });
            if (edited === body) return; // no change, no re-anchoring
            const report = (await t.db.transaction(() => t.services.documents.update(doc, { body: edited }))).effects[0] as {
              tags: TagChange[];
            };
            assert.equal(report.tags.length, tags.length);
            const editedCps = cps(edited);
            for (const tag of tags) {
              const row = await tagRow(t, tag.id);
              const change = report.tags.find((x: TagChange) => x.id === tag.id);
              assert.deepEqual([change!.status, change!.start, change!.end], [row.status, row.start, row.end]);
              outcomes[row.status] = (outcomes[row.status] ?? 0) + 1;
              const went: number[] = [];
              for (let k = tag.start!; k < tag.end!; k++) if (newPos.has(k)) went.push(newPos.get(k)!);
              const intact = went.length === tag.end! - tag.start! && went.every((p, j) => j === 0 || p === went[j - 1] + 1);
              if (intact) outcomes['text intact'] = (outcomes['text intact'] ?? 0) + 1;
              if (intact && row.status === 'orphaned') outcomes['orphaned though intact'] = (outcomes['orphaned though intact'] ?? 0) + 1;
              if (row.status === 'orphaned') {
                assert.deepEqual([row.start, row.end, row.score, row.exact], [null, null, 0, tag.exact]);
                continue;
              }
              const text = editedCps.slice(row.start, row.end).join('');
              assert.equal(row.exact, text, 'stored text is the text at the offsets');
              if (row.status === 'fuzzy') {
                assert.ok(
                  row.score >= 0.75 && row.score < 1 && Math.abs(row.score - similarity(text, tag.quote)) < 1e-12,
                  `fuzzy ${row.score}`,
                );
              } else {
                assert.equal(text, tag.quote);
                assert.equal(row.score, 1);
              }
              // Ground truth: never somewhere the tagged text did not go.
              if (intact && row.status !== 'fuzzy')
                assert.deepEqual([row.start, row.end], [went[0], went[0] + went.length], 'found where the text went');
              else
                assert.ok(
                  went.some((p) => p >= row.start && p < row.end),
                  `${row.status} tag ${JSON.stringify(tag.exact)} → ${JSON.stringify(text)} overlaps none of its surviving text`,
                );
            }
            pieces = [];
          },
        ),
        { numRuns: 150, seed: 4242 },
      );
      console.log('      outcomes:', outcomes);
    });
  });
});
