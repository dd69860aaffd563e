import assert from 'node:assert/strict';
import { makeTestApp, demoId, type TestApp } from './helpers/test-app.js';
import type { Tag, TagChange } from '../src/generated/schema-types.js';
import type { RouteContext } from '../src/http/route.js';

const ANNO = 'http://www.w3.org/ns/anno.jsonld';
const MOTIVATIONS = [
  'assessing',
  'bookmarking',
  'classifying',
  'commenting',
  'describing',
  'editing',
  'highlighting',
  'identifying',
  'linking',
  'moderating',
  'questioning',
  'replying',
  'tagging',
];
const XSD_DATETIME = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Checks a Web Annotation JSON-LD document (an Annotation, an AnnotationCollection or an
 * AnnotationPage) against the MUSTs of the W3C Web Annotation Data Model (Recommendation, 23 February
 * 2017), and returns every violation found, each prefixed by the rule it breaks. `bodyOf` gives the
 * text of a target source, to check what the selectors select. The MUSTs checked:
 *
 * 3.1    A1 an Annotation (and 5.1/5.2 a Collection, a Page) document has 1+ @context values including
 *           http://www.w3.org/ns/anno.jsonld, given as a string when it is the only one
 *        A2 an Annotation has exactly 1 id, an IRI
 *        A3 an Annotation has 1+ types, Annotation among them
 *        A4 an Annotation has 1+ targets
 * 3.2.5  A5 an Annotation has no bodyValue alongside body; a bodyValue is a single string
 * 3.2.1  B1 a body or target given by reference (a string, or an object's id) is an IRI
 * 3.2.4  B2 a TextualBody has exactly 1 value, a string
 * 3.3.1  L1 created, modified and generated occur at most once each, as xsd:dateTime
 * 3.3.6  L2 rights, canonical and via, when present, are IRIs (canonical at most once)
 * 4      S1 a SpecificResource has exactly 1 source, an IRI (or a resource identified by one)
 * 4.2.4  S2 a TextQuoteSelector has exactly 1 exact (a string), at most 1 prefix and 1 suffix (strings)
 * 4.2.5  S3 a TextPositionSelector has exactly 1 start and 1 end, non-negative integers, start <= end
 * 4.2.5  S4 positions count Unicode code points: the text at [start, end) of the source is the quote
 * 4.2    S5 several selectors of one resource all describe the same segment of it
 * 4.2.4  S6 a quote with its prefix and suffix is found in the source (the text, normalised, as selected)
 * 4.3.1  S7 a TimeState has exactly one sourceDate, or exactly one sourceDateStart and one sourceDateEnd
 *           (never both forms), each an xsd:dateTime in UTC ("Z")
 * 5.1    C1 a Collection has exactly 1 id (IRI) and 1+ types with AnnotationCollection among them
 *        C2 total, when present, is exactly 1 non-negative integer
 *        C3 first (a page IRI or an embedded AnnotationPage) is present exactly once when total > 0;
 *           last, when present, is exactly 1 IRI
 * 5.2    P1 a Page has exactly 1 id (IRI), 1+ types with AnnotationPage among them, exactly 1 items list
 *        P2 partOf (IRI or a Collection with an IRI id), next and prev (IRIs) occur at most once;
 *           startIndex is a non-negative integer
 *        P3 every item of a Page is an Annotation (IRI or object) meeting the rules above
 * Also checked, as the model recommends: motivation and purpose values come from its Motivation list.
 */
/**
 * A JSON-LD node as the checker walks it: any member may hold anything, and the checker tests each before
 * it relies on it; the members it compares or slices are typed as what it expects once they passed.
 */
interface LdNode {
  exact?: string;
  prefix?: string;
  suffix?: string;
  start?: number;
  end?: number;
  total?: number;
  items?: LdNode[];
  [member: string]: unknown;
}

/** An Annotation as this service serves it (what the tests read of it, once the checker passed it). */
interface ServedAnnotation extends LdNode {
  id: string;
  motivation: string;
  created: string;
  modified: string;
  body: Array<{ type: string; purpose: string; value?: string; format?: string; source?: { id: string } }>;
  target: {
    source: string;
    selector: Array<{ type: string; exact: string; prefix?: string; suffix?: string; start?: number; end?: number }>;
    state: { type: string; sourceDateStart: string; sourceDateEnd: string };
  };
}

/** A collection or page as served: the checker's node, with the members the tests read. */
type Served = LdNode & {
  id: string;
  type: string;
  '@context': string;
  first: LdNode & { items: ServedAnnotation[]; next: string };
  last: string;
  next: string;
  prev: string;
  items: ServedAnnotation[];
  partOf: { id: string; total: number };
};

function webAnnotationViolations(doc: LdNode, bodyOf?: (source: string) => string | undefined): string[] {
  const out: string[] = [];
  const fail = (rule: string, where: string, what: string) => out.push(`${rule} ${where}: ${what}`);
  const values = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const isIri = (v: unknown): boolean => {
    if (typeof v !== 'string' || /\s/.test(v)) return false;
    try {
      return /^[a-z][a-z0-9+.-]*:/i.test(v) && Boolean(new URL(v));
    } catch {
      return false;
    }
  };
  const types = (o: unknown) => values((o as LdNode | null)?.type);
  const cpSlice = (s: string, a: number, b: number) => [...s].slice(a, b).join('');

  const context = (o: LdNode, where: string) => {
    const ctx = values(o['@context']);
    if (ctx.length === 0) fail('A1', where, 'no @context');
    else if (!ctx.includes(ANNO)) fail('A1', where, `@context lacks ${ANNO}`);
    else if (ctx.length === 1 && typeof o['@context'] !== 'string') fail('A1', where, 'a single @context must be a string');
  };
  const singleDate = (o: LdNode, key: string, where: string) => {
    const v = values(o[key]);
    if (v.length > 1) fail('L1', where, `more than one ${key}`);
    for (const d of v)
      if (typeof d !== 'string' || !XSD_DATETIME.test(d)) fail('L1', where, `${key} ${JSON.stringify(d)} is not an xsd:dateTime`);
  };
  const iriList = (o: LdNode, key: string, where: string, max = Infinity) => {
    const v = values(o[key]);
    if (v.length > max) fail('L2', where, `more than ${max} ${key}`);
    for (const x of v) if (!isIri(typeof x === 'object' ? (x as LdNode | null)?.id : x)) fail('L2', where, `${key} is not an IRI`);
  };
  const purposeOk = (p: unknown) => values(p).every((x) => typeof x === 'string' && MOTIVATIONS.includes(x));

  const selector = (sel: LdNode, where: string, source: string | undefined) => {
    if (typeof sel === 'string') {
      if (!isIri(sel)) fail('B1', where, 'selector reference is not an IRI');
      return null;
    }
    const t = types(sel);
    const text = source && bodyOf ? bodyOf(source) : undefined;
    if (t.includes('TextQuoteSelector')) {
      if (t.length !== 1) fail('S2', where, 'a TextQuoteSelector has exactly one type');
      const exact = values(sel.exact);
      if (exact.length !== 1 || typeof exact[0] !== 'string') {
        fail('S2', where, 'exact must occur exactly once, a string');
        return null;
      }
      for (const k of ['prefix', 'suffix']) {
        const v = values(sel[k]);
        if (v.length > 1 || v.some((x) => typeof x !== 'string')) fail('S2', where, `${k} at most once, a string`);
      }
      if (text !== undefined) {
        const whole = (sel.prefix ?? '') + sel.exact + (sel.suffix ?? '');
        if (!text.includes(whole)) return { kind: 'quote' as const, sel, found: false };
      }
      return { kind: 'quote' as const, sel, found: true };
    }
    if (t.includes('TextPositionSelector')) {
      if (t.length !== 1) fail('S3', where, 'a TextPositionSelector has exactly one type');
      const s = values(sel.start),
        e = values(sel.end);
      const ok = (v: unknown[]) => v.length === 1 && Number.isInteger(v[0]) && (v[0] as number) >= 0;
      if (!ok(s) || !ok(e)) {
        fail('S3', where, 'start and end must each occur once, non-negative integers');
        return null;
      }
      if (sel.start! > sel.end!) fail('S3', where, 'start after end');
      if (text !== undefined && sel.end! > [...text].length)
        fail('S4', where, `end ${sel.end} beyond the source's ${[...text].length} code points`);
      return { kind: 'position' as const, sel, text: text === undefined ? undefined : cpSlice(text, sel.start!, sel.end!) };
    }
    return null;
  };

  const resource = (r: LdNode, where: string, role: 'body' | 'target') => {
    if (typeof r === 'string') {
      if (!isIri(r)) fail('B1', where, `${role} reference ${JSON.stringify(r)} is not an IRI`);
      return;
    }
    if (!r || typeof r !== 'object') {
      fail('B1', where, `${role} is neither an IRI nor an object`);
      return;
    }
    const t = types(r);
    if (r.id !== undefined && !isIri(r.id)) fail('B1', where, `${role} id ${JSON.stringify(r.id)} is not an IRI`);
    if (t.includes('TextualBody')) {
      const v = values(r.value);
      if (v.length !== 1 || typeof v[0] !== 'string') fail('B2', where, 'a TextualBody has exactly one value, a string');
    }
    if (r.purpose !== undefined && !purposeOk(r.purpose)) fail('R1', where, `purpose ${JSON.stringify(r.purpose)} is not a Motivation`);
    for (const k of ['created', 'modified', 'generated']) singleDate(r, k, where);
    iriList(r, 'rights', where);
    iriList(r, 'canonical', where, 1);
    iriList(r, 'via', where);
    if (r.source !== undefined || t.includes('SpecificResource')) {
      const src = values(r.source);
      const srcIri = typeof src[0] === 'object' ? (src[0] as LdNode | null)?.id : src[0];
      if (src.length !== 1 || !isIri(srcIri)) {
        fail('S1', where, 'a SpecificResource has exactly one source, an IRI');
        return;
      }
      const sels = values(r.selector)
        .map((s, i) => selector(s as LdNode, `${where}.selector[${i}]`, srcIri as string))
        .filter((x) => x !== null);
      const quotes = sels.filter((s) => s!.kind === 'quote') as Array<{ sel: LdNode; found: boolean }>;
      const positions = sels.filter((s) => s!.kind === 'position') as Array<{ sel: LdNode; text?: string }>;
      const stated = values(r.state);
      const timeBound = stated.some((s) => types(s).includes('TimeState'));
      // A selector that only held at another time is not checked against today's text.
      for (const q of quotes)
        if (!q.found && !timeBound) fail('S6', where, `quote ${JSON.stringify(q.sel.exact)} with its context is not in the source`);
      for (const p of positions)
        for (const q of quotes) {
          if (p.text !== undefined && p.text !== q.sel.exact)
            fail('S4', where, `[${p.sel.start}, ${p.sel.end}) holds ${JSON.stringify(p.text)}, not ${JSON.stringify(q.sel.exact)}`);
          if (bodyOf && p.text !== undefined) {
            const text = bodyOf(srcIri as string)!;
            const before = cpSlice(text, Math.max(0, p.sel.start! - [...(q.sel.prefix ?? '')].length), p.sel.start!);
            const after = cpSlice(text, p.sel.end!, p.sel.end! + [...(q.sel.suffix ?? '')].length);
            if (before !== (q.sel.prefix ?? '') || after !== (q.sel.suffix ?? ''))
              fail('S5', where, 'the quote selector and the position selector describe different segments');
          }
        }
      for (const [i, s] of stated.entries()) {
        if (typeof s === 'string') {
          if (!isIri(s)) fail('B1', `${where}.state[${i}]`, 'not an IRI');
          continue;
        }
        if (!types(s).includes('TimeState')) continue;
        const date = values((s as LdNode).sourceDate),
          start = values((s as LdNode).sourceDateStart),
          end = values((s as LdNode).sourceDateEnd);
        const one = date.length === 1 && start.length === 0 && end.length === 0;
        const pair = date.length === 0 && start.length === 1 && end.length === 1;
        if (!one && !pair)
          fail('S7', `${where}.state[${i}]`, 'a TimeState has one sourceDate, or one sourceDateStart with one sourceDateEnd');
        for (const d of [...date, ...start, ...end]) {
          if (typeof d !== 'string' || !XSD_DATETIME.test(d) || !d.endsWith('Z'))
            fail('S7', `${where}.state[${i}]`, `${JSON.stringify(d)} is not an xsd:dateTime in UTC`);
        }
        if (pair && (start[0] as string) > (end[0] as string)) fail('S7', `${where}.state[${i}]`, 'sourceDateStart after sourceDateEnd');
      }
    }
  };

  const annotation = (a: LdNode, where: string, top: boolean) => {
    if (typeof a === 'string') {
      if (!isIri(a)) fail('P3', where, 'an item reference is not an IRI');
      return;
    }
    if (top) context(a, where);
    const id = values(a.id);
    if (id.length !== 1 || !isIri(id[0])) fail('A2', where, 'an Annotation has exactly one id, an IRI');
    if (!types(a).includes('Annotation')) fail('A3', where, 'type must include Annotation');
    const targets = values(a.target);
    if (targets.length === 0) fail('A4', where, 'no target');
    if (a.bodyValue !== undefined) {
      if (a.body !== undefined) fail('A5', where, 'both body and bodyValue');
      if (values(a.bodyValue).length !== 1 || typeof values(a.bodyValue)[0] !== 'string')
        fail('A5', where, 'bodyValue must be a single string');
    }
    for (const k of ['created', 'modified', 'generated']) singleDate(a, k, where);
    iriList(a, 'rights', where);
    iriList(a, 'canonical', where, 1);
    iriList(a, 'via', where);
    if (a.motivation !== undefined && !purposeOk(a.motivation))
      fail('R1', where, `motivation ${JSON.stringify(a.motivation)} is not a Motivation`);
    values(a.body).forEach((b, i) => resource(b as LdNode, `${where}.body[${i}]`, 'body'));
    targets.forEach((t, i) => resource(t as LdNode, `${where}.target[${i}]`, 'target'));
  };

  const page = (p: LdNode, where: string, top: boolean) => {
    if (typeof p === 'string') {
      if (!isIri(p)) fail('C3', where, 'a page reference is not an IRI');
      return;
    }
    if (top) context(p, where);
    if (values(p.id).length !== 1 || !isIri(p.id)) fail('P1', where, 'a Page has exactly one id, an IRI');
    if (!types(p).includes('AnnotationPage')) fail('P1', where, 'type must include AnnotationPage');
    if (!Array.isArray(p.items)) {
      fail('P1', where, 'a Page has exactly one items list');
      return;
    }
    for (const k of ['next', 'prev']) {
      const v = values(p[k]);
      if (v.length > 1 || v.some((x) => !isIri(x))) fail('P2', where, `${k} at most once, an IRI`);
    }
    const partOf = values(p.partOf);
    if (partOf.length > 1 || partOf.some((x) => !isIri(typeof x === 'object' ? (x as LdNode | null)?.id : x)))
      fail('P2', where, 'partOf at most once, an IRI or a Collection with an IRI id');
    if (p.startIndex !== undefined && !(Number.isInteger(p.startIndex) && (p.startIndex as number) >= 0))
      fail('P2', where, 'startIndex must be a non-negative integer');
    p.items.forEach((a, i) => annotation(a, `${where}.items[${i}]`, false));
  };

  if (types(doc).includes('AnnotationCollection')) {
    context(doc, 'collection');
    if (values(doc.id).length !== 1 || !isIri(doc.id)) fail('C1', 'collection', 'a Collection has exactly one id, an IRI');
    const total = values(doc.total);
    if (total.length > 1 || total.some((x) => !(Number.isInteger(x) && (x as number) >= 0)))
      fail('C2', 'collection', 'total must be one non-negative integer');
    const first = values(doc.first);
    if (first.length > 1) fail('C3', 'collection', 'more than one first');
    if ((doc.total ?? 0) > 0 && first.length !== 1) fail('C3', 'collection', 'a Collection with Annotations has a first page');
    const last = values(doc.last);
    if (last.length > 1 || last.some((x) => !isIri(x))) fail('C3', 'collection', 'last at most once, an IRI');
    first.forEach((p) => page(p as LdNode, 'collection.first', false));
  } else if (types(doc).includes('AnnotationPage')) {
    page(doc, 'page', true);
  } else if (types(doc).includes('Annotation')) {
    annotation(doc, 'annotation', true);
  } else {
    fail('A3', 'document', 'neither an Annotation, an AnnotationCollection nor an AnnotationPage');
  }
  return out;
}

function annotationsOf(doc: Served): ServedAnnotation[] {
  const items = doc.type === 'AnnotationCollection' ? (doc.first?.items ?? []) : (doc.items ?? []);
  return items as unknown as ServedAnnotation[];
}

async function getAnnotations(t: TestApp, docId: number, page?: number): Promise<Served> {
  const res = await t.http.get(`/v1/documents/${docId}/annotations${page === undefined ? '' : `?page=${page}`}`).expect(200);
  assert.match(res.headers['content-type'], /^application\/ld\+json; /);
  assert.match(res.headers['content-type'], /profile="http:\/\/www\.w3\.org\/ns\/anno\.jsonld"/);
  return JSON.parse(res.text);
}

/** Dereferences our own IRIs back to bodies, for the checker's selector checks. */
function bodies(t: TestApp) {
  return (iri: string) => {
    const m = /\/v1\/documents\/(\d+)$/.exec(new URL(iri).pathname);
    if (!m) return undefined;
    const row = t.db.sqlite.prepare('SELECT body FROM documents WHERE id = ?').get(Number(m[1])) as { body: string | null } | undefined;
    return row?.body ?? undefined;
  };
}

async function newDoc(t: TestApp, body: string) {
  const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'Example Gazette' }).expect(201))
    .body.id;
  const speaker = (await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Ann Example' }).expect(201)).body
    .id;
  const statement = (
    await t.http.post('/v1/statements').send({ speakerId: speaker, text: 'x', textForm: 'quote', kind: 'assertion' }).expect(201)
  ).body.id;
  const doc = (await t.http.post('/v1/documents').send({ outletId: outlet, title: 'Gazette story', body }).expect(201)).body.id;
  return { doc, statement, speaker };
}

describe('annotations', () => {
  describe('the Web Annotation MUST checker', () => {
    const valid = () => ({
      '@context': ANNO,
      id: 'http://example.org/c',
      type: 'AnnotationCollection',
      total: 1,
      first: {
        id: 'http://example.org/c?page=0',
        type: 'AnnotationPage',
        startIndex: 0,
        items: [
          {
            id: 'http://example.org/a1',
            type: 'Annotation',
            motivation: 'tagging',
            created: '2024-04-01T10:00:00Z',
            body: [{ type: 'TextualBody', purpose: 'tagging', value: 'Someone' }],
            target: {
              type: 'SpecificResource',
              source: 'http://example.org/doc',
              selector: [
                { type: 'TextQuoteSelector', exact: 'b😀c', prefix: 'a', suffix: 'd' },
                { type: 'TextPositionSelector', start: 1, end: 4 },
              ],
            },
          },
        ],
      },
      last: 'http://example.org/c?page=0',
    });
    const bodyOf = (iri: string) => (iri === 'http://example.org/doc' ? 'ab😀cd' : undefined);

    it('passes a conforming collection (code point offsets over an emoji)', () => {
      assert.deepEqual(webAnnotationViolations(valid(), bodyOf), []);
    });

    it('reports each MUST it checks when broken', () => {
      // What the cases break, typed openly enough to break it.
      type Open = Record<string, unknown>;
      type Item = Open & { body: unknown[]; target: Open & { selector: Open[] } };
      const first = (d: LdNode) => d.first as Open & { items: unknown[] };
      const item = (d: LdNode) => first(d).items[0] as Item;
      const cases: Array<[string, (d: LdNode) => void]> = [
        ['A1', (d) => delete d['@context']],
        ['A1', (d) => (d['@context'] = 'http://example.org/other.jsonld')],
        ['A1', (d) => (d['@context'] = [ANNO])],
        ['A2', (d) => delete item(d).id],
        ['A2', (d) => (item(d).id = '/relative/a1')],
        ['A3', (d) => (item(d).type = 'Note')],
        ['A4', (d) => delete (item(d) as Open).target],
        ['A5', (d) => (item(d).bodyValue = 'text')],
        ['B1', (d) => item(d).body.push({ id: 'not an iri', type: 'Dataset' })],
        ['B1', (d) => item(d).body.push('also not an iri')],
        ['B2', (d) => delete (item(d).body[0] as Open).value],
        ['L1', (d) => (item(d).created = ['2024-04-01T10:00:00Z', '2024-04-02T10:00:00Z'])],
        ['L1', (d) => (item(d).modified = 'April 2024')],
        ['L2', (d) => (item(d).canonical = 'urn x')],
        ['S1', (d) => delete item(d).target.source],
        ['S2', (d) => delete item(d).target.selector[0].exact],
        ['S2', (d) => (item(d).target.selector[0].prefix = ['a', 'b'])],
        ['S3', (d) => (item(d).target.selector[1].start = -1)],
        ['S3', (d) => (item(d).target.selector[1].end = 1.5)],
        ['S4', (d) => (item(d).target.selector[1].end = 5)],
        ['S4', (d) => Object.assign(item(d).target.selector[1], { start: 1, end: 5 })], // UTF-16 offsets
        ['S5', (d) => (item(d).target.selector[0].prefix = 'x')],
        ['S6', (d) => (item(d).target.selector[0].exact = 'zzz')],
        ['S7', (d) => (item(d).target.state = { type: 'TimeState', sourceDateStart: '2024-04-01T10:00:00Z' })],
        ['S7', (d) => (item(d).target.state = { type: 'TimeState', sourceDate: '2024-04-01T10:00:00+02:00' })],
        ['C1', (d) => (d.id = 'c')],
        ['C2', (d) => (d.total = -1)],
        ['C3', (d) => delete d.first],
        ['C3', (d) => (d.last = ['http://example.org/1', 'http://example.org/2'])],
        ['P1', (d) => delete (first(d) as Open).items],
        ['P1', (d) => delete first(d).id],
        ['P2', (d) => (first(d).next = 'not an iri')],
        ['P2', (d) => (first(d).startIndex = -3)],
        ['P3', (d) => (first(d).items[1] = 'also not an iri')],
        ['R1', (d) => (item(d).motivation = 'shouting')],
      ];
      for (const [rule, breakIt] of cases) {
        const d = valid();
        breakIt(d);
        const found = webAnnotationViolations(d, bodyOf);
        assert.ok(
          found.some((v) => v.startsWith(rule)),
          `${rule} not reported for ${breakIt.toString()}: ${JSON.stringify(found)}`,
        );
      }
    });
  });

  describe('GET /v1/documents/:id/annotations', () => {
    it('exports the tagged demo article as an AnnotationCollection meeting every MUST', async () => {
      const t = await makeTestApp({ demo: true });
      const doc = demoId(t.db, 'document', 'telegraph-article');
      // Start from the article untagged: the demo's own tags would stand beside the ones made here.
      for (const { id } of t.db.sqlite.prepare('SELECT id FROM tags').all() as Array<{ id: number }>)
        await t.http.delete(`/v1/tags/${id}`).expect(204);
      const spans: Array<[string, string]> = [
        ['peskov-no-comment', 'I do not know anything about this.'],
        ['took-weapons', 'I took weapons to them, these guys who attacked Crocus City Hall. I took them weapons from Makhachkala.'],
        ['already-travelled', 'some members of the group had already travelled to Russia'],
        [
          'obligation',
          'As Iran has been a victim of terror attacks for years, Iranian authorities fulfilled their obligation to alert Moscow based on information acquired from those arrested terrorists.',
        ],
      ];
      const tags: Tag[] = [];
      for (const [key, exact] of spans) {
        tags.push(
          (
            await t.http
              .post(`/v1/documents/${doc}/tags`)
              .send({ selector: { exact }, statementId: demoId(t.db, 'statement', key) })
              .expect(201)
          ).body,
        );
      }
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, bodies(t)), []);
      assert.equal(coll['@context'], ANNO);
      assert.equal(coll.type, 'AnnotationCollection');
      assert.equal(coll.total, 4);
      assert.match(coll.id, new RegExp(`/v1/documents/${doc}/annotations$`));
      const items = annotationsOf(coll);
      assert.equal(items.length, 4, 'one Annotation per tag');
      const peskov = items.find((a) => a.target.selector[0].exact === spans[0][1]);
      const tag = tags[0];
      assert.equal(new URL(peskov!.id).pathname, `/v1/tags/${tag.id}`);
      assert.equal(peskov!.motivation, 'tagging');
      assert.deepEqual([peskov!.created, peskov!.modified], [tag.createdAt, tag.modifiedAt]);
      assert.equal(new URL(peskov!.target.source).pathname, `/v1/documents/${doc}`);
      assert.deepEqual(peskov!.target.selector[1], { type: 'TextPositionSelector', start: tag.start, end: tag.end });
      assert.deepEqual(peskov!.target.selector[0], { type: 'TextQuoteSelector', exact: tag.exact, prefix: tag.prefix, suffix: tag.suffix });
      // The body names the speaker and identifies the statement; both IRIs resolve here.
      assert.deepEqual(peskov!.body[0], { type: 'TextualBody', purpose: 'tagging', value: 'Dmitry Peskov', format: 'text/plain' });
      const statementIri = peskov!.body.find((b) => b.purpose === 'identifying')!.source!.id;
      assert.equal((await t.http.get(new URL(statementIri).pathname).expect(200)).body.text, 'I do not know anything about this.');
      const speakerIri = peskov!.body.find((b) => b.purpose === 'linking')!.source!.id;
      assert.equal((await t.http.get(new URL(speakerIri).pathname).expect(200)).body.name, 'Dmitry Peskov');
      assert.equal((await t.http.get(new URL(peskov!.id).pathname).expect(200)).body.id, tag.id);
      // The unidentified man in the FSB video is named as described.
      const video = items.find((a) => a.target.selector[0].exact.startsWith('I took weapons'));
      assert.equal(video!.body[0].value, 'a detained man shown in an FSB video');
    });

    it('keeps meeting the MUSTs after edits: moved and fuzzy tags point at the text now there, orphans keep only their quote, in time', async () => {
      const t = await makeTestApp();
      const body = '🔥 Intro.\r\nThe minister said the plan would cut costs.\r\nCritics called it vague.\r\nShe added: no comment.';
      const { doc, statement } = await newDoc(t, body);
      for (const exact of ['the plan would cut costs', 'Critics called it vague.', 'no comment']) {
        await t.http.post(`/v1/documents/${doc}/tags`).send({ selector: { exact }, statementId: statement }).expect(201);
      }
      const edited = '🔥👍🏽 Update.\r\nThe minister said the plan would reduce costs.\r\nCritics called it vague.\r\n';
      const report = (await t.http.patch(`/v1/documents/${doc}`).send({ body: edited }).expect(200)).body.tags;
      assert.deepEqual(
        report.map((x: TagChange) => x.status),
        ['fuzzy', 'moved', 'orphaned'],
      );
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, bodies(t)), []);
      const [fuzzy, moved, orphan] = annotationsOf(coll);
      assert.equal(fuzzy.target.selector[0].exact, 'the plan would reduce costs');
      assert.deepEqual(moved.target.selector[1], { type: 'TextPositionSelector', start: report[1].start, end: report[1].end });
      assert.deepEqual(
        orphan.target.selector.map((s) => s.type),
        ['TextQuoteSelector'],
      );
      assert.equal(orphan.target.selector[0].exact, 'no comment');
      assert.equal(orphan.target.state.type, 'TimeState');
      assert.ok(orphan.target.state.sourceDateStart <= orphan.target.state.sourceDateEnd);
      assert.ok(!edited.includes('no comment'), 'the orphan quote is from before the edit');
      assert.ok(orphan.modified >= orphan.created);
    });

    it('pages a large collection: the first page embedded, the others by ?page=N, all meeting the MUSTs', async () => {
      const t = await makeTestApp();
      const words = Array.from({ length: 250 }, (_, i) => `w${i.toString(36)}q`);
      const { doc, statement } = await newDoc(t, words.join(' '));
      let at = 0;
      for (const w of words) {
        t.db.transaction(() =>
          t.services.tags.create(doc, { selector: { start: at, end: at + w.length, exact: w }, statementId: statement }),
        );
        at += w.length + 1;
      }
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, bodies(t)), []);
      assert.equal(coll.total, 250);
      assert.equal(coll.first!.items.length, 100);
      assert.equal(coll.first!.startIndex, 0);
      assert.equal(new URL(coll.first!.next).search, '?page=1');
      assert.equal(new URL(coll.last).search, '?page=2');
      const seen = [...coll.first!.items];
      for (let n = 1, next = coll.first!.next; next; n++) {
        assert.equal(new URL(next).search, `?page=${n}`);
        const page = await getAnnotations(t, doc, n);
        assert.deepEqual(webAnnotationViolations(page, bodies(t)), []);
        assert.equal(page['@context'], ANNO);
        assert.equal(new URL(page.partOf.id).pathname, new URL(coll.id).pathname);
        assert.equal(page.partOf.total, 250);
        assert.equal(page.startIndex, seen.length);
        assert.equal(new URL(page.prev).search, `?page=${n - 1}`);
        seen.push(...page.items);
        next = page.next;
      }
      assert.deepEqual(
        seen.map((a) => a.target.selector[0].exact),
        words,
        'every tag once, in text order',
      );
      assert.equal(new Set(seen.map((a) => a.id)).size, 250);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=3`)).status, 404);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=-1`)).status, 400);
      assert.equal((await t.http.get(`/v1/documents/${doc}/annotations?page=two`)).status, 400);
    });

    it('uses WHOSAID_PUBLIC_URL for its IRIs when set, whatever host the request named', async () => {
      const { tagRoutes } = await import('../src/tags/tag-routes.js');
      const t = await makeTestApp();
      const { doc, statement } = await newDoc(t, 'Words to tag.');
      t.db.transaction(() => t.services.tags.create(doc, { selector: { exact: 'Words' }, statementId: statement }));
      const route = tagRoutes(t.services.tags, t.services.documents, 'https://whosaid.example.org/').find((r) =>
        r.path.endsWith('/annotations'),
      )!;
      const req = { protocol: 'http', get: () => 'internal:8080' };
      const ctx = { params: { id: doc }, query: {}, req, res: {} } as unknown as RouteContext;
      const coll = route.handler(ctx) as Served;
      assert.equal(coll.id, `https://whosaid.example.org/v1/documents/${doc}/annotations`);
      assert.equal(coll.first.items[0].target.source, `https://whosaid.example.org/v1/documents/${doc}`);
      assert.deepEqual(webAnnotationViolations(coll), []);
    });

    it('an untagged document: total 0, no pages linked; unknown documents are 404', async () => {
      const t = await makeTestApp();
      const { doc } = await newDoc(t, 'Nothing tagged here.');
      const coll = await getAnnotations(t, doc);
      assert.deepEqual(webAnnotationViolations(coll, bodies(t)), []);
      assert.deepEqual([coll.total, coll.first, coll.last], [0, undefined, undefined]);
      const page = await getAnnotations(t, doc, 0);
      assert.deepEqual(page.items, []);
      assert.equal((await t.http.get('/v1/documents/9999/annotations')).status, 404);
    });

    it('names an anonymous speaker by description and never exports confidential fields', async () => {
      const t = await makeTestApp();
      const { doc } = await newDoc(t, 'A source close to the talks said they had collapsed.');
      await t.http
        .post(`/v1/documents/${doc}/tags`)
        .send({
          selector: { exact: 'they had collapsed' },
          statement: {
            speaker: {
              kind: 'person',
              identityStatus: 'anonymous',
              description: 'a source close to the talks',
              attestation: { by: 'desk editor', note: 'SECRET-NOTE-1' },
              confidentialNotes: 'SECRET-NOTE-2',
            },
            textForm: 'paraphrase',
            kind: 'assertion',
          },
        })
        .expect(201);
      const res = await t.http.get(`/v1/documents/${doc}/annotations`).expect(200);
      assert.doesNotMatch(res.text, /SECRET-NOTE|attestation|desk editor/);
      assert.equal(annotationsOf(JSON.parse(res.text))[0].body[0].value, 'a source close to the talks');
      const tags = await t.http.get(`/v1/documents/${doc}/tags`).expect(200);
      assert.doesNotMatch(tags.text, /SECRET-NOTE|desk editor/);
    });
  });
});
