import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import { claimToApi, type ClaimService } from './claim-service.js';

export function claimRoutes(service: ClaimService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/claims',
      tag: 'claims',
      summary: 'Create a claim',
      body: 'claim-create',
      status: 201,
      response: 'claim',
      handler: async ({ body, res }) => {
        const claim = claimToApi(await service.create(body));
        res.location(`/v1/claims/${claim.id}`);
        return claim;
      },
    }),
    route({
      method: 'get',
      path: '/v1/claims',
      tag: 'claims',
      summary: 'List claims',
      query: 'claim-list-query',
      status: 200,
      response: 'claim-list',
      csv: true,
      handler: async ({ query }) => {
        const limit = query.limit ?? 50;
        const rated = query.rated === undefined ? undefined : query.rated === 'true';
        const p = page(await service.list({ statementId: query.statementId, rated }, decodeCursor(query.cursor), limit), limit);
        return { items: p.items.map(claimToApi), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/claims/:id',
      tag: 'claims',
      summary: 'Read a claim with its statements and their stance',
      params: 'id-params',
      status: 200,
      response: 'claim',
      cached: true,
      handler: ({ params }) => service.getWithStatements(params.id),
    }),
    route({
      method: 'patch',
      path: '/v1/claims/:id',
      tag: 'claims',
      summary: 'Change a claim or its verdict',
      params: 'id-params',
      body: 'claim-patch',
      status: 200,
      response: 'claim',
      handler: async ({ params, body }) => claimToApi(await service.update(params.id, body)),
    }),
    route({
      method: 'delete',
      path: '/v1/claims/:id',
      tag: 'claims',
      summary: 'Delete a claim; cascade=true also removes its statement links',
      params: 'id-params',
      query: 'delete-query',
      status: 204,
      response: null,
      errors: [409],
      handler: ({ params, query }) => service.delete(params.id, query.cascade === 'true'),
    }),
    route({
      method: 'post',
      path: '/v1/claims/:id/statements',
      tag: 'claims',
      summary: 'Link a statement to the claim with a stance (again: change the stance)',
      params: 'id-params',
      body: 'claim-link-create',
      status: 201,
      response: 'claim-link',
      errors: [422],
      responses: {
        200: { description: 'The statement was linked already: its stance is now this one', content: { 'application/json': 'claim-link' } },
      },
      handler: async ({ params, body, res }) => {
        if (!(await service.link(params.id, body.statementId, body.stance))) res.status(200);
        return { claimId: params.id, statementId: body.statementId, stance: body.stance };
      },
    }),
    route({
      method: 'delete',
      path: '/v1/claims/:id/statements/:statementId',
      tag: 'claims',
      summary: 'Unlink a statement from the claim',
      params: 'claim-link-params',
      status: 204,
      response: null,
      handler: ({ params }) => service.unlink(params.id, params.statementId),
    }),
  ];
}
