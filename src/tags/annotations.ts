// A document's tags as W3C Web Annotations (https://www.w3.org/TR/annotation-model/): one Annotation
// per tag, motivated by tagging, whose target is the article narrowed by a TextQuoteSelector and a
// TextPositionSelector (code points, as ours) and whose bodies name the speaker and identify the
// statement. Tags go in an AnnotationCollection, paged; the first page is embedded in it.
//
// The target's source is the article's own URL when the document has one, so annotation tools anchor
// the tag on the article; `via` keeps the API copy the text was selected in (§3.3.7: "the IRI of where
// that resource was obtained from by the system that is making it available"). An orphaned tag stays in
// the collection, marked: a TimeState says when its text was there, and a describing body says so.
import type { DocumentRow } from '../documents/document-repository.js';
import type { AnnotationCollection, AnnotationPage, WebAnnotation } from '../generated/schema-types.js';
import type { CreatorMode, Organisation } from '../shared/organisation.js';
import type { AnnotationView } from './tag-repository.js';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
export const ANNO_MEDIA_TYPE = `application/ld+json; profile="${ANNO_CONTEXT}"`;
export const ANNOTATION_PAGE_SIZE = 100;

/** Where records live, as absolute IRIs (annotation ids, sources and bodies must be IRIs). */
export interface Iris {
  document(id: number): string;
  tag(id: number): string;
  statement(id: number): string;
  actor(id: number): string;
  key(id: number): string;
  annotations(documentId: number, page?: number): string;
}

export function irisFrom(base: string): Iris {
  const b = base.replace(/\/+$/, '');
  return {
    document: (id) => `${b}/v1/documents/${id}`,
    tag: (id) => `${b}/v1/tags/${id}`,
    statement: (id) => `${b}/v1/statements/${id}`,
    actor: (id) => `${b}/v1/actors/${id}`,
    key: (id) => `${b}/v1/keys/${id}`,
    annotations: (id, page) => `${b}/v1/documents/${id}/annotations${page === undefined ? '' : `?page=${page}`}`,
  };
}

export interface AnnotationOptions {
  iris: Iris;
  org: Organisation;
  creator: CreatorMode;
}

type Agent = NonNullable<WebAnnotation['creator']>;

function creatorOf(t: AnnotationView, o: AnnotationOptions): Agent {
  if (o.creator === 'key' && t.creator_key_id !== null && t.creator_key_name !== null)
    return { id: o.iris.key(t.creator_key_id), type: 'Person', name: t.creator_key_name, nickname: t.creator_key_name };
  return { id: o.org.url, type: 'Organization', name: o.org.name, nickname: o.org.name, homepage: o.org.url };
}

/** How the speaker is named: by name, or as described when anonymous or unidentified. */
function speakerLabel(t: AnnotationView): string {
  return t.speaker_name ?? t.speaker_description ?? `actor ${t.speaker_id}`;
}

/** A language tag only when the record has one: an unknown language is left out, never guessed. */
const lang = (language: string | null) => (language ? { language } : {});

export function tagToAnnotation(t: AnnotationView, doc: DocumentRow, o: AnnotationOptions): WebAnnotation {
  const { iris } = o;
  const creator = creatorOf(t, o);
  // Prefix and suffix always, empty at the ends of the body (§4.2.4: each SHOULD occur exactly once).
  const quote = { type: 'TextQuoteSelector', exact: t.exact, prefix: t.prefix, suffix: t.suffix };
  // The article itself when its URL is known (a web page); else the API copy, a JSON record.
  const target: WebAnnotation['target'] = doc.url
    ? {
        type: 'SpecificResource',
        source: doc.url,
        via: iris.document(doc.id),
        format: 'text/html',
        ...lang(doc.language),
        selector: [quote],
      }
    : { type: 'SpecificResource', source: iris.document(doc.id), format: 'application/json', ...lang(doc.language), selector: [quote] };
  const made = { creator: creator.id, created: t.created_at };
  const body: WebAnnotation['body'] = [
    { type: 'TextualBody', purpose: 'tagging', value: speakerLabel(t), format: 'text/plain', ...lang(doc.language), ...made },
    {
      type: 'SpecificResource',
      purpose: 'identifying',
      source: { id: iris.statement(t.statement_id), type: 'Dataset', format: 'application/json', ...lang(t.statement_language) },
      ...made,
    },
    {
      type: 'SpecificResource',
      purpose: 'linking',
      source: { id: iris.actor(t.speaker_id), type: 'Dataset', format: 'application/json' },
      ...made,
    },
  ];
  if (t.start === null || t.end === null) {
    // Orphaned: the position is gone, and selectors must all describe the same segment. The quote
    // is what the body held between these times.
    target.state = { type: 'TimeState', sourceDateStart: t.anchored_at, sourceDateEnd: t.modified_at };
    body.push({
      type: 'TextualBody',
      purpose: 'describing',
      value: `Orphaned: this text is no longer in the document; it was there from ${t.anchored_at} to ${t.modified_at}.`,
      format: 'text/plain',
      language: 'en',
      creator: creator.id,
      created: t.modified_at,
    });
  } else {
    target.selector = [quote, { type: 'TextPositionSelector', start: t.start, end: t.end }];
  }
  return {
    id: iris.tag(t.id),
    type: 'Annotation',
    motivation: 'tagging',
    creator,
    created: t.created_at,
    modified: t.modified_at,
    body,
    target,
  };
}

function label(doc: DocumentRow): string {
  return `Statements tagged in “${doc.title}”`;
}

/** What a page says of the collection it is part of (every page, the embedded first one too). */
function partOf(doc: DocumentRow, tags: AnnotationView[], iris: Iris): AnnotationPage['partOf'] {
  return { id: iris.annotations(doc.id), label: label(doc), total: tags.length };
}

function pageItems(doc: DocumentRow, tags: AnnotationView[], page: number, size: number, o: AnnotationOptions): WebAnnotation[] {
  return tags.slice(page * size, (page + 1) * size).map((t) => tagToAnnotation(t, doc, o));
}

/** The AnnotationCollection of a document's tags (text order, orphans last), first page embedded. */
export function annotationCollection(
  doc: DocumentRow,
  tags: AnnotationView[],
  o: AnnotationOptions,
  size = ANNOTATION_PAGE_SIZE,
): AnnotationCollection {
  const { iris } = o;
  const pages = Math.ceil(tags.length / size);
  const out: AnnotationCollection = {
    '@context': ANNO_CONTEXT,
    id: iris.annotations(doc.id),
    type: 'AnnotationCollection',
    label: label(doc),
    total: tags.length,
  };
  if (tags.length > 0) {
    out.modified = tags.reduce((m, t) => (t.modified_at > m ? t.modified_at : m), tags[0].modified_at);
    out.first = {
      id: iris.annotations(doc.id, 0),
      type: 'AnnotationPage',
      partOf: partOf(doc, tags, iris),
      startIndex: 0,
      ...(pages > 1 ? { next: iris.annotations(doc.id, 1) } : {}),
      items: pageItems(doc, tags, 0, size, o),
    } satisfies AnnotationPage;
    out.last = iris.annotations(doc.id, pages - 1);
  }
  return out;
}

/** One AnnotationPage on its own, or null when there is no such page. */
export function annotationPage(
  doc: DocumentRow,
  tags: AnnotationView[],
  page: number,
  o: AnnotationOptions,
  size = ANNOTATION_PAGE_SIZE,
): AnnotationCollection | null {
  const { iris } = o;
  const pages = Math.ceil(tags.length / size);
  // A page holds at least one annotation (Web Annotation Data Model §5.2), so an empty collection has no
  // pages at all: its collection answers with total 0 and no `first`, and page 0 is not found.
  if (page >= pages) return null;
  const out: AnnotationCollection = {
    '@context': ANNO_CONTEXT,
    id: iris.annotations(doc.id, page),
    type: 'AnnotationPage',
    partOf: partOf(doc, tags, iris),
    startIndex: page * size,
  };
  if (page > 0) out.prev = iris.annotations(doc.id, page - 1);
  if (page + 1 < pages) out.next = iris.annotations(doc.id, page + 1);
  out.items = pageItems(doc, tags, page, size, o);
  return out;
}
