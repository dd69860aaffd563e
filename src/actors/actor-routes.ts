import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import type { ActorService } from './actor-service.js';
import { actorToApi } from './actor-service.js';

export function actorRoutes(service: ActorService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/actors',
      tag: 'actors',
      summary: 'Create an actor',
      body: 'actor-create',
      status: 201,
      response: 'actor',
      errors: [409, 422],
      handler: async ({ body, req, res }) => {
        const actor = actorToApi(await service.create(body), req.viewer);
        res.location(`/v1/actors/${actor.id}`);
        return actor;
      },
    }),
    route({
      method: 'get',
      path: '/v1/actors',
      tag: 'actors',
      summary: 'List actors',
      query: 'actor-list-query',
      status: 200,
      response: 'actor-list',
      csv: true,
      handler: async ({ query, req }) => {
        const limit = query.limit ?? 50;
        const rows = await service.list(query, decodeCursor(query.cursor), limit);
        const p = page(rows, limit);
        return { items: p.items.map((r) => actorToApi(r, req.viewer)), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/actors/:id',
      tag: 'actors',
      summary: 'Read an actor',
      params: 'id-params',
      status: 200,
      response: 'actor',
      cached: true,
      handler: async ({ params, req }) => actorToApi(await service.get(params.id), req.viewer),
    }),
    route({
      method: 'patch',
      path: '/v1/actors/:id',
      tag: 'actors',
      summary: 'Change an actor',
      params: 'id-params',
      body: 'actor-patch',
      status: 200,
      response: 'actor',
      errors: [409, 422],
      handler: async ({ params, body, req }) => {
        return actorToApi(await service.update(params.id, body), req.viewer);
      },
    }),
    route({
      method: 'delete',
      path: '/v1/actors/:id',
      tag: 'actors',
      summary: 'Delete an actor; cascade=true also deletes their statements, relays and documents and clears acting-for',
      params: 'id-params',
      query: 'delete-query',
      status: 204,
      response: null,
      errors: [409],
      handler: ({ params, query }) => service.delete(params.id, query.cascade === 'true'),
    }),
  ];
}
