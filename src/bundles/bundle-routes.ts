import { route, type RouteDef } from '../http/route.js';
import type { BundleService } from './bundle-service.js';

export function bundleRoutes(service: BundleService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/bundles',
      tag: 'bundles',
      summary:
        'Write a whole story atomically and idempotently (201 when anything was created, 200 when everything already existed or was only updated)',
      body: 'bundle',
      status: 201,
      response: 'bundle-result',
      errors: [409, 422],
      handler: ({ body, res }) => {
        const result = service.apply(body);
        if (result.created === 0) res.status(200);
        return result;
      },
    }),
  ];
}
