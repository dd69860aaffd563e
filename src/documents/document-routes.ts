import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import { documentToApi, type DocumentService } from './document-service.js';

export function documentRoutes(service: DocumentService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/documents',
      tag: 'documents',
      summary: 'Create a document',
      body: 'document-create',
      status: 201,
      response: 'document',
      errors: [422],
      handler: async ({ body, res }) => {
        const doc = documentToApi(await service.create(body), true);
        res.location(`/v1/documents/${doc.id}`);
        return doc;
      },
    }),
    route({
      method: 'get',
      path: '/v1/documents',
      tag: 'documents',
      summary: 'List documents (without their bodies)',
      query: 'document-list-query',
      status: 200,
      response: 'document-list',
      csv: true,
      handler: async ({ query }) => {
        const limit = query.limit ?? 50;
        const p = page(await service.list(query.outletId, decodeCursor(query.cursor), limit), limit);
        return { items: p.items.map((r) => documentToApi(r, false)), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/documents/:id',
      tag: 'documents',
      summary: 'Read a document with its body',
      params: 'id-params',
      status: 200,
      response: 'document',
      cached: true,
      handler: async ({ params }) => documentToApi(await service.get(params.id), true),
    }),
    route({
      method: 'patch',
      path: '/v1/documents/:id',
      tag: 'documents',
      summary: 'Change a document; a body change re-anchors its tags',
      params: 'id-params',
      body: 'document-patch',
      status: 200,
      response: 'document',
      errors: [422],
      handler: async ({ params, body }) => {
        const { row, effects } = await service.update(params.id, body);
        return Object.assign(documentToApi(row, true), ...effects.filter((e) => e && typeof e === 'object'));
      },
    }),
    route({
      method: 'delete',
      path: '/v1/documents/:id',
      tag: 'documents',
      summary: 'Delete a document; cascade=true also deletes the hops it carries and their tags',
      params: 'id-params',
      query: 'delete-query',
      status: 204,
      response: null,
      errors: [409],
      handler: ({ params, query }) => service.delete(params.id, query.cascade === 'true'),
    }),
  ];
}
