// The W3C Web Annotation Data Model's requirements as checks over a served JSON-LD document: the MUSTs
// (used by test/annotations.test.ts and the conformance runner) and, for the conformance runner, the
// SHOULDs. No npm package vendors the W3C web-annotation-tests, so the requirements are encoded here, each
// with the section of the Recommendation (23 February 2017) it comes from.
import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';
import type { TestApp } from './test-app.js';
export const ANNO = 'http://www.w3.org/ns/anno.jsonld';
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
export interface LdNode {
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
export interface ServedAnnotation extends LdNode {
  id: string;
  motivation: string;
  creator: { id: string; type: string; name: string; nickname?: string; homepage?: string };
  created: string;
  modified: string;
  body: Array<{
    type: string;
    purpose: string;
    value?: string;
    format?: string;
    language?: string;
    creator?: string;
    created?: string;
    source?: { id: string; format?: string; language?: string };
  }>;
  target: {
    source: string;
    via?: string;
    format?: string;
    language?: string;
    selector: Array<{ type: string; exact: string; prefix?: string; suffix?: string; start?: number; end?: number }>;
    state: { type: string; sourceDateStart: string; sourceDateEnd: string };
  };
}

/** A collection or page as served: the checker's node, with the members the tests read. */
export type Served = LdNode & {
  id: string;
  type: string;
  '@context': string;
  first: LdNode & { items: ServedAnnotation[]; next: string; partOf: { id: string; total: number } };
  last: string;
  next: string;
  prev: string;
  items: ServedAnnotation[];
  partOf: { id: string; total: number };
};

export function webAnnotationViolations(doc: LdNode, bodyOf?: (source: string) => string | undefined): string[] {
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
      // The text a source holds: its own, or (an article we hold no copy of) the copy it was obtained via.
      const via = values(r.via)[0];
      const textIri = (bodyOf && bodyOf(srcIri as string) === undefined && typeof via === 'string' ? via : srcIri) as string;
      const sels = values(r.selector)
        .map((s, i) => selector(s as LdNode, `${where}.selector[${i}]`, textIri))
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
            const text = bodyOf(textIri)!;
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

/**
 * The SHOULDs (and the UTC MUST of lifecycle dates) of the Web Annotation Data Model, each prefixed by
 * its rule; the conformance runner expects none on what this service serves. Checked:
 *
 * 3.2    W1  an Annotation SHOULD have 1 or more bodies
 * 3.2.1  W2  a Body or Target SHOULD have exactly 1 format (a SpecificResource: on it or its source)
 *        W3  a Body or Target SHOULD have exactly 1 language; 0 is allowed where the language "cannot be
 *            identified": a Dataset (a record, not prose) and a resource its record gives no language
 * 3.2.4  W4  a Body with a value SHOULD have the TextualBody class
 * 3.3.1  W5  exactly 1 creator for Annotation and Body (SHOULD)
 *        W6  exactly 1 created for Annotation and Body (SHOULD); created, modified and generated MUST be
 *            an xsd:dateTime in UTC expressed as "Z"
 * 3.3.2  W7  an Agent SHOULD have exactly 1 IRI, 1 or more of the classes Person, Organization,
 *            Software, exactly 1 name and exactly 1 nickname
 * 3.3.5  W8  exactly 1 motivation (SHOULD)
 * 4      W9  a Specific Resource SHOULD have the SpecificResource class
 * 4.2.4  W10 a TextQuoteSelector SHOULD have exactly 1 prefix and exactly 1 suffix
 * 5.1    W11 a Collection SHOULD have 1 or more labels and exactly 1 total; with a total over 0, a last page
 * 5.2    W12 an embedded Page SHOULD NOT have an @context; a Page SHOULD have exactly 1 partOf and exactly 1
 *            startIndex; a Page after the first SHOULD have a prev
 * whosaid's own, beyond the model (issue 14): X1 every Annotation has a modified date.
 */
export function webAnnotationShouldViolations(doc: LdNode, opts: { languageKnown?: (iri: string) => boolean } = {}): string[] {
  const out: string[] = [];
  const fail = (rule: string, where: string, what: string) => out.push(`${rule} ${where}: ${what}`);
  const values = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const types = (o: unknown) => values((o as LdNode | null)?.type);
  const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
  const exactlyOne = (o: LdNode, key: string, rule: string, where: string) => {
    const n = values(o[key]).length;
    if (n !== 1) fail(rule, where, `${n} ${key}, not exactly 1`);
  };
  const dates = (o: LdNode, where: string) => {
    for (const k of ['created', 'modified', 'generated'])
      for (const d of values(o[k]))
        if (typeof d !== 'string' || !UTC.test(d)) fail('W6', where, `${k} ${JSON.stringify(d)} is not in UTC ("Z")`);
  };
  const agent = (a: unknown, where: string) => {
    if (typeof a === 'string') return; // a reference: what it names is described where it is an object
    const o = a as LdNode;
    exactlyOne(o, 'id', 'W7', where);
    if (!types(o).some((t) => ['Person', 'Organization', 'Software'].includes(t as string)))
      fail('W7', where, 'an Agent has a class among Person, Organization, Software');
    exactlyOne(o, 'name', 'W7', where);
    exactlyOne(o, 'nickname', 'W7', where);
  };
  const described = (r: LdNode, where: string, role: 'body' | 'target') => {
    if (typeof r === 'string') return;
    const source = typeof r.source === 'object' && r.source !== null ? (r.source as LdNode) : undefined;
    if (r.source !== undefined && !types(r).includes('SpecificResource'))
      fail('W9', where, 'a Specific Resource has the SpecificResource class');
    const formats = values(r.format).length || values(source?.format).length;
    if (formats !== 1) fail('W2', where, `${formats} formats, not exactly 1`);
    const langs = values(r.language).length || values(source?.language).length;
    const dataset = types(r).includes('Dataset') || types(source).includes('Dataset');
    const sourceIri = typeof r.source === 'string' ? r.source : (source?.id as string | undefined);
    const unknown = dataset || (sourceIri !== undefined && opts.languageKnown && !opts.languageKnown(sourceIri));
    if (langs > 1 || (langs === 0 && !unknown)) fail('W3', where, `${langs} languages, not exactly 1`);
    if (role === 'body') {
      if (r.value !== undefined && !types(r).includes('TextualBody')) fail('W4', where, 'a Body with a value has the TextualBody class');
      exactlyOne(r, 'creator', 'W5', where);
      exactlyOne(r, 'created', 'W6', where);
      values(r.creator).forEach((a, i) => agent(a, `${where}.creator[${i}]`));
    }
    dates(r, where);
    for (const [i, sel] of values(r.selector).entries()) {
      if (!types(sel).includes('TextQuoteSelector')) continue;
      for (const k of ['prefix', 'suffix']) exactlyOne(sel as LdNode, k, 'W10', `${where}.selector[${i}]`);
    }
  };
  const annotation = (a: LdNode, where: string) => {
    if (typeof a === 'string') return;
    if (values(a.body).length === 0) fail('W1', where, 'no body');
    exactlyOne(a, 'creator', 'W5', where);
    exactlyOne(a, 'created', 'W6', where);
    if (values(a.modified).length !== 1) fail('X1', where, 'no modified date');
    dates(a, where);
    values(a.creator).forEach((c, i) => agent(c, `${where}.creator[${i}]`));
    exactlyOne(a, 'motivation', 'W8', where);
    values(a.body).forEach((b, i) => described(b as LdNode, `${where}.body[${i}]`, 'body'));
    values(a.target).forEach((t, i) => described(t as LdNode, `${where}.target[${i}]`, 'target'));
  };
  const page = (p: LdNode, where: string, embedded: boolean) => {
    if (typeof p === 'string') return;
    if (embedded && p['@context'] !== undefined) fail('W12', where, 'an embedded Page has no @context');
    exactlyOne(p, 'partOf', 'W12', where);
    exactlyOne(p, 'startIndex', 'W12', where);
    if ((p.startIndex ?? 0) !== 0 && values(p.prev).length === 0) fail('W12', where, 'a Page after the first has a prev');
    values(p.items).forEach((a, i) => annotation(a as LdNode, `${where}.items[${i}]`));
  };
  if (types(doc).includes('AnnotationCollection')) {
    if (values(doc.label).length === 0) fail('W11', 'collection', 'no label');
    exactlyOne(doc, 'total', 'W11', 'collection');
    if ((doc.total ?? 0) > 0 && values(doc.last).length !== 1) fail('W11', 'collection', 'no last page');
    values(doc.first).forEach((p) => page(p as LdNode, 'collection.first', true));
  } else if (types(doc).includes('AnnotationPage')) page(doc, 'page', false);
  else if (types(doc).includes('Annotation')) annotation(doc, 'annotation');
  return out;
}

// The W3C's JSON-LD context of the model (https://www.w3.org/ns/anno.jsonld, W3C Document License), kept
// in test/fixtures so expansion needs no network.
const ANNO_CONTEXT_DOC = JSON.parse(readFileSync(new URL('../fixtures/anno.jsonld', import.meta.url), 'utf8'));

/**
 * Expands a served document with the Web Annotation context and returns every term the expansion drops
 * (a member the context does not define, a value it cannot use): what a JSON-LD consumer would lose.
 */
export async function droppedTerms(doc: object): Promise<string[]> {
  const dropped: string[] = [];
  await jsonld.expand(
    doc as jsonld.JsonLdDocument,
    {
      documentLoader: async (url: string) => {
        if (url !== ANNO) throw new Error(`no network in tests: ${url}`);
        return { contextUrl: undefined, documentUrl: url, document: ANNO_CONTEXT_DOC };
      },
      eventHandler: ({ event }: { event: { code: string; details: unknown } }) => {
        dropped.push(`${event.code} ${JSON.stringify(event.details)}`);
      },
    } as jsonld.Options.Expand,
  );
  return dropped;
}

/** Distinct words, each found once in their join: a body with as many tags as needed. */
export const wordsFor = (n: number) => Array.from({ length: n }, (_, i) => `w${i.toString(36)}q`);

/** Tags each word of a body that is `words` joined by spaces, through the service (no HTTP per tag). */
export async function tagEveryWord(t: TestApp, doc: number, statementId: number, words: string[]): Promise<void> {
  let at = 0;
  for (const w of words) {
    await t.db.transaction(() => t.services.tags.create(doc, { selector: { start: at, end: at + w.length, exact: w }, statementId }));
    at += w.length + 1;
  }
}
