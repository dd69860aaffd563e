// A document's tags as W3C Web Annotations (https://www.w3.org/TR/annotation-model/): one Annotation
// per tag, motivated by tagging, whose target is the document narrowed by a TextQuoteSelector and a
// TextPositionSelector (code points, as ours) and whose bodies name the speaker and identify the
// statement. Tags go in an AnnotationCollection, paged; the first page is embedded in it.
import type { DocumentRow } from '../documents/document-repository.js';
import type { AnnotationCollection, AnnotationPage, WebAnnotation } from '../generated/schema-types.js';
import type { TagView } from './tag-repository.js';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
export const ANNO_MEDIA_TYPE = `application/ld+json; profile="${ANNO_CONTEXT}"`;
export const ANNOTATION_PAGE_SIZE = 100;

/** Where records live, as absolute IRIs (annotation ids, sources and bodies must be IRIs). */
export interface Iris {
  document(id: number): string;
  tag(id: number): string;
  statement(id: number): string;
  actor(id: number): string;
  annotations(documentId: number, page?: number): string;
}

export function irisFrom(base: string): Iris {
  const b = base.replace(/\/+$/, '');
  return {
    document: (id) => `${b}/v1/documents/${id}`,
    tag: (id) => `${b}/v1/tags/${id}`,
    statement: (id) => `${b}/v1/statements/${id}`,
    actor: (id) => `${b}/v1/actors/${id}`,
    annotations: (id, page) => `${b}/v1/documents/${id}/annotations${page === undefined ? '' : `?page=${page}`}`,
  };
}

/** How the speaker is named: by name, or as described when anonymous or unidentified. */
function speakerLabel(t: TagView): string {
  return t.speaker_name ?? t.speaker_description ?? `actor ${t.speaker_id}`;
}

export function tagToAnnotation(t: TagView, iris: Iris): WebAnnotation {
  const quote: Record<string, unknown> = { type: 'TextQuoteSelector', exact: t.exact };
  if (t.prefix) quote.prefix = t.prefix;
  if (t.suffix) quote.suffix = t.suffix;
  const target: WebAnnotation['target'] = { type: 'SpecificResource', source: iris.document(t.document_id), selector: [quote] };
  if (t.start === null || t.end === null) {
    // Orphaned: the position is gone, and selectors must all describe the same segment. The quote
    // is what the body held between these times.
    target.state = { type: 'TimeState', sourceDateStart: t.anchored_at, sourceDateEnd: t.modified_at };
  } else {
    target.selector = [quote, { type: 'TextPositionSelector', start: t.start, end: t.end }];
  }
  return {
    id: iris.tag(t.id),
    type: 'Annotation',
    motivation: 'tagging',
    created: t.created_at,
    modified: t.modified_at,
    body: [
      { type: 'TextualBody', purpose: 'tagging', value: speakerLabel(t), format: 'text/plain' },
      {
        type: 'SpecificResource',
        purpose: 'identifying',
        source: { id: iris.statement(t.statement_id), type: 'Dataset', format: 'application/json' },
      },
      {
        type: 'SpecificResource',
        purpose: 'linking',
        source: { id: iris.actor(t.speaker_id), type: 'Dataset', format: 'application/json' },
      },
    ],
    target,
  };
}

function label(doc: DocumentRow): string {
  return `Statements tagged in “${doc.title}”`;
}

function pageItems(tags: TagView[], page: number, size: number, iris: Iris): WebAnnotation[] {
  return tags.slice(page * size, (page + 1) * size).map((t) => tagToAnnotation(t, iris));
}

/** The AnnotationCollection of a document's tags (text order, orphans last), first page embedded. */
export function annotationCollection(doc: DocumentRow, tags: TagView[], iris: Iris, size = ANNOTATION_PAGE_SIZE): AnnotationCollection {
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
      startIndex: 0,
      ...(pages > 1 ? { next: iris.annotations(doc.id, 1) } : {}),
      items: pageItems(tags, 0, size, iris),
    } satisfies AnnotationPage;
    out.last = iris.annotations(doc.id, pages - 1);
  }
  return out;
}

/** One AnnotationPage on its own, or null when there is no such page. */
export function annotationPage(
  doc: DocumentRow,
  tags: TagView[],
  page: number,
  iris: Iris,
  size = ANNOTATION_PAGE_SIZE,
): AnnotationCollection | null {
  const pages = Math.ceil(tags.length / size);
  // An empty collection still answers for its first page, with no items.
  if (page >= Math.max(pages, 1)) return null;
  const out: AnnotationCollection = {
    '@context': ANNO_CONTEXT,
    id: iris.annotations(doc.id, page),
    type: 'AnnotationPage',
    partOf: { id: iris.annotations(doc.id), label: label(doc), total: tags.length },
    startIndex: page * size,
  };
  if (page > 0) out.prev = iris.annotations(doc.id, page - 1);
  if (page + 1 < pages) out.next = iris.annotations(doc.id, page + 1);
  out.items = pageItems(tags, page, size, iris);
  return out;
}
