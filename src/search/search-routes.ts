import { route, type RouteDef } from '../http/route.js';
import type { SearchService } from './search-service.js';

export function searchRoutes(service: SearchService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/search',
      tag: 'search',
      summary:
        'Who said this: statements matching pasted text, best first, with speaker, hops to every document, claims and a highlighted snippet',
      query: 'search-query',
      status: 200,
      response: 'search-results',
      csv: true,
      handler: ({ query }) => service.search(query),
    }),
  ];
}
