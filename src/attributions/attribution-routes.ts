import { route, type RouteDef } from '../http/route.js';
import { extractAttributions } from './extract.js';

export function attributionRoutes(): RouteDef[] {
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
  ];
}
