import { route, type RouteDef } from '../http/route.js';
import type { ProvenanceService } from './provenance-service.js';

export function provenanceRoutes(service: ProvenanceService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/statements/:id/provenance',
      tag: 'statements',
      summary: 'The speaker, then the tree of hops to every document',
      params: 'id-params',
      cached: true,
      status: 200,
      response: 'provenance',
      handler: ({ params }) => service.forStatementId(params.id),
    }),
  ];
}
