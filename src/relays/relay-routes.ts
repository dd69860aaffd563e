import { route, type RouteDef } from '../http/route.js';
import { relayToApi, type RelayService } from './relay-service.js';

export function relayRoutes(service: RelayService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/statements/:id/relays',
      tag: 'relays',
      summary: 'Add a hop to a statement',
      params: 'id-params',
      body: 'relay-create',
      status: 201,
      response: 'relay',
      errors: [409, 422],
      handler: async ({ params, body, res }) => {
        const relay = relayToApi(await service.create(params.id, body));
        res.location(`/v1/relays/${relay.id}`);
        return relay;
      },
    }),
    route({
      method: 'get',
      path: '/v1/relays/:id',
      tag: 'relays',
      summary: 'Read a hop',
      params: 'id-params',
      status: 200,
      response: 'relay',
      cached: true,
      handler: async ({ params }) => relayToApi(await service.get(params.id)),
    }),
    route({
      method: 'patch',
      path: '/v1/relays/:id',
      tag: 'relays',
      summary: 'Change a hop (a change that would close a cycle is refused with 409)',
      params: 'id-params',
      body: 'relay-patch',
      status: 200,
      response: 'relay',
      errors: [409, 422],
      handler: async ({ params, body }) => relayToApi(await service.update(params.id, body)),
    }),
    route({
      method: 'delete',
      path: '/v1/relays/:id',
      tag: 'relays',
      summary: 'Delete a hop; cascade=true also deletes the hops that came through it and the tags that mark it',
      params: 'id-params',
      query: 'delete-query',
      status: 204,
      response: null,
      errors: [409],
      handler: ({ params, query }) => service.delete(params.id, query.cascade === 'true'),
    }),
  ];
}
