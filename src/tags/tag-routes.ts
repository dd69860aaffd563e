import { route, type RouteDef } from '../http/route.js';
import { notFound } from '../http/problem.js';
import type { DocumentService } from '../documents/document-service.js';
import { organisation, type Publisher } from '../shared/organisation.js';
import { ANNO_MEDIA_TYPE, annotationCollection, annotationPage, irisFrom, type AnnotationOptions } from './annotations.js';
import { tagToApi, type TagService } from './tag-service.js';

/**
 * Annotation ids and sources are absolute IRIs under `iriBase` (src/exports/iri.ts: configuration only,
 * never the Host a client sent), so they are the same whichever host name a client used.
 */
export function tagRoutes(service: TagService, documents: DocumentService, iriBase: string, publisher?: Publisher): RouteDef[] {
  const anno: AnnotationOptions = {
    iris: irisFrom(iriBase),
    org: publisher?.org ?? organisation(iriBase),
    creator: publisher?.annotationCreator ?? 'organisation',
  };
  return [
    route({
      method: 'post',
      path: '/v1/documents/:id/tags',
      tag: 'tags',
      summary:
        'Tag a span of the body as a statement (existing or new) and record the hop this document is; 409 when the quote is ambiguous or contradicts the existing hop',
      params: 'id-params',
      body: 'tag-create',
      status: 201,
      response: 'tag',
      errors: [409, 422],
      handler: async ({ params, body, res }) => {
        const tag = await service.create(params.id, body);
        res.location(`/v1/tags/${tag.id}`);
        return tag;
      },
    }),
    route({
      method: 'get',
      path: '/v1/documents/:id/tags',
      tag: 'tags',
      summary: "A document's tags in text order, orphaned tags last, each with its anchoring status",
      params: 'id-params',
      query: 'tag-list-query',
      status: 200,
      response: 'tag-list',
      csv: true,
      handler: ({ params, query }) => service.list(params.id, query.status),
    }),
    route({
      method: 'get',
      path: '/v1/tags/:id',
      tag: 'tags',
      summary: 'Read a tag',
      params: 'id-params',
      status: 200,
      response: 'tag',
      handler: async ({ params }) => tagToApi(await service.get(params.id)),
    }),
    route({
      method: 'patch',
      path: '/v1/tags/:id',
      tag: 'tags',
      summary:
        'Repair a tag after a body edit: re-anchor it at a new span (selector), or accept its fuzzy or moved match (accept: true); either way it is anchored and its text becomes the quote; 409 when an orphan is accepted',
      params: 'id-params',
      body: 'tag-update',
      status: 200,
      response: 'tag',
      errors: [409, 422],
      handler: ({ params, body }) => service.repair(params.id, body),
    }),
    route({
      method: 'delete',
      path: '/v1/tags/:id',
      tag: 'tags',
      summary: 'Delete a tag (the hop it recorded stays)',
      params: 'id-params',
      status: 204,
      response: null,
      handler: ({ params }) => service.delete(params.id),
    }),
    route({
      method: 'get',
      path: '/v1/documents/:id/annotations',
      tag: 'tags',
      summary:
        "The document's tags as a W3C Web Annotation AnnotationCollection (JSON-LD), first page embedded; ?page=N for one AnnotationPage",
      params: 'id-params',
      query: 'annotation-query',
      status: 200,
      response: 'annotation-collection',
      produces: ANNO_MEDIA_TYPE,
      handler: async ({ params, query }) => {
        const doc = await documents.get(params.id);
        const tags = await service.annotationViews(doc.id);
        if (query.page === undefined) return annotationCollection(doc, tags, anno);
        const page = annotationPage(doc, tags, query.page, anno);
        if (!page) throw notFound('annotation page', `${query.page} of document ${doc.id}`);
        return page;
      },
    }),
  ];
}
