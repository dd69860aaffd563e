import { route, type RouteDef } from '../http/route.js';
import { extractAttributions } from './extract.js';
import type { SuggestionService } from './suggestion-service.js';

export function attributionRoutes(suggestions: SuggestionService): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/attributions/extract',
      tag: 'attributions',
      summary: 'Who said what, through whom, in an English news text: cue, source and content spans (code points), speaker, relays, hedge',
      // Reading text writes nothing: a reader's key is enough.
      access: 'read',
      body: 'attribution-extract-request',
      status: 200,
      response: 'attribution-extraction',
      handler: ({ body }) => ({ attributions: extractAttributions(body.text) }),
    }),
    route({
      method: 'post',
      path: '/v1/documents/:id/suggestions',
      tag: 'attributions',
      summary:
        "Attribution suggestions for a stored document's body, matched against existing actors, statements and outlets (writes nothing)",
      access: 'read',
      params: 'id-params',
      status: 200,
      response: 'attribution-suggestions',
      handler: ({ params }) => suggestions.suggest(params.id),
    }),
    route({
      method: 'post',
      path: '/v1/documents/:id/suggestions/accept',
      tag: 'attributions',
      summary:
        'Write chosen suggestions (tags, statements, actors, hops with cues and hedges) in one atomic bundle; accepting again creates nothing',
      params: 'id-params',
      body: 'suggestion-accept',
      status: 200,
      response: 'suggestion-accept-result',
      errors: [409, 422],
      handler: ({ params, body }) => suggestions.accept(params.id, body),
    }),
  ];
}
