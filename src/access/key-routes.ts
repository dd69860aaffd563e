import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import { unauthorized } from './authenticate.js';
import { keyToApi, type KeyService } from './key-service.js';

export function keyRoutes(service: KeyService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/keys',
      tag: 'access',
      access: 'admin',
      summary: 'Create an API key; the key itself is in this response only',
      body: 'key-create',
      status: 201,
      response: 'key-created',
      handler: async ({ body, req, res }) => {
        const { key, secret } = await service.create(body.name, body.role, req.viewer.keyId);
        res.location(`/v1/keys/${key.id}`);
        res.set('Cache-Control', 'no-store');
        return { ...keyToApi(key), key: secret };
      },
    }),
    route({
      method: 'get',
      path: '/v1/keys',
      tag: 'access',
      access: 'admin',
      summary: 'List API keys (never the keys themselves)',
      query: 'key-list-query',
      status: 200,
      response: 'key-list',
      csv: true,
      handler: async ({ query }) => {
        const limit = query.limit ?? 50;
        const p = page(await service.list(decodeCursor(query.cursor), limit, query.revoked === 'true'), limit);
        return { items: p.items.map(keyToApi), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/keys/current',
      tag: 'access',
      summary: 'The key this request carries: its name and role (the desk shows only what the role may do)',
      status: 200,
      response: 'api-key',
      handler: async ({ req }) => {
        // Open reads let a request through without a key; there is still no key to describe.
        if (req.viewer.keyId === null) throw unauthorized('No API key was given: Authorization: Bearer <key>.');
        return keyToApi(await service.get(req.viewer.keyId));
      },
    }),
    route({
      method: 'delete',
      path: '/v1/keys/:id',
      tag: 'access',
      access: 'admin',
      summary: 'Revoke an API key',
      params: 'id-params',
      status: 204,
      response: null,
      errors: [409],
      handler: async ({ params, req }) => {
        await service.revoke(params.id, req.viewer.keyId);
      },
    }),
  ];
}
