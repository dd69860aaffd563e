import { route, type RouteDef } from '../http/route.js';
import { streamJson, wantsFile } from '../http/stream.js';
import type { ExportService } from './export-service.js';

export function exportRoutes(service: ExportService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/exports/prov',
      tag: 'exports',
      summary: 'PROV-JSON of a document, a claim or (with neither) everything, streamed',
      query: 'prov-query',
      status: 200,
      response: 'prov-document',
      handler: ({ query, res }) => {
        const name = query.documentId ? `document-${query.documentId}` : query.claimId ? `claim-${query.claimId}` : 'all';
        const body = query.documentId
          ? service.provForDocument(query.documentId)
          : query.claimId
            ? service.provForClaim(query.claimId)
            : null;
        if (wantsFile(query)) res.attachment(`whosaid-prov-${name}.json`);
        return body ?? streamJson(res, (sink) => service.streamProv(sink));
      },
    }),
    route({
      method: 'get',
      path: '/v1/claims/:id/claimreview',
      tag: 'exports',
      summary: 'schema.org ClaimReview (JSON-LD) of a claim; 409 no-verdict when the claim has no verdict yet',
      params: 'id-params',
      status: 200,
      response: 'claim-review',
      produces: 'application/ld+json',
      errors: [409],
      handler: ({ params }) => service.claimReview(params.id),
    }),
  ];
}
