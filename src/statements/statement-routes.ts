import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import { rangeOf } from '../shared/partial-date.js';
import { statementToApi, type StatementService } from './statement-service.js';

export function statementRoutes(service: StatementService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/statements',
      tag: 'statements',
      summary: 'Record a statement',
      body: 'statement-create',
      status: 201,
      response: 'statement',
      errors: [422],
      handler: async ({ body, res }) => {
        const s = statementToApi(await service.create(body));
        res.location(`/v1/statements/${s.id}`);
        return s;
      },
    }),
    route({
      method: 'get',
      path: '/v1/statements',
      tag: 'statements',
      summary: 'List statements by speaker, claim, document, kind or date range',
      query: 'statement-list-query',
      status: 200,
      response: 'statement-list',
      csv: true,
      handler: async ({ query }) => {
        const limit = query.limit ?? 50;
        const filter = { ...query, from: rangeOf(query.saidFrom)[0] ?? undefined, to: rangeOf(query.saidTo)[1] ?? undefined };
        const p = page(await service.list(filter, decodeCursor(query.cursor), limit), limit);
        return { items: p.items.map(statementToApi), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/statements/:id',
      tag: 'statements',
      summary: 'Read a statement with its claims',
      params: 'id-params',
      cached: true,
      status: 200,
      response: 'statement',
      handler: ({ params }) => service.getWithClaims(params.id),
    }),
    route({
      method: 'patch',
      path: '/v1/statements/:id',
      tag: 'statements',
      summary: 'Change a statement',
      params: 'id-params',
      body: 'statement-patch',
      status: 200,
      response: 'statement',
      errors: [422],
      handler: async ({ params, body }) => statementToApi(await service.update(params.id, body)),
    }),
    route({
      method: 'delete',
      path: '/v1/statements/:id',
      tag: 'statements',
      summary: 'Delete a statement; cascade=true also deletes its hops, tags and claim links',
      params: 'id-params',
      query: 'delete-query',
      status: 204,
      response: null,
      errors: [409],
      handler: ({ params, query }) => service.delete(params.id, query.cascade === 'true'),
    }),
  ];
}
