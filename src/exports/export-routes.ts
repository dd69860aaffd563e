import { JsonSink } from '../audits/json-sink.js';
import type { RouteDef } from '../http/route.js';
import type { ExportService } from './export-service.js';

export function exportRoutes(service: ExportService): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/v1/exports/prov',
      tag: 'exports',
      summary: 'PROV-JSON of a document, a claim or (with neither) everything, streamed',
      query: 'prov-query',
      status: 200,
      response: 'prov-document',
      handler: async ({ query, res }) => {
        const name = query.documentId ? `document-${query.documentId}` : query.claimId ? `claim-${query.claimId}` : 'all';
        const body = query.documentId
          ? service.provForDocument(query.documentId)
          : query.claimId
            ? service.provForClaim(query.claimId)
            : null;
        if (query.download === '1' || query.download === 'true') res.attachment(`whosaid-prov-${name}.json`);
        if (body) return body;
        res.type('application/json');
        try {
          await service.streamProv(new JsonSink(res));
        } catch (err) {
          if (!res.headersSent) throw err;
          res.destroy(err as Error);
        }
      },
    },
    {
      method: 'get',
      path: '/v1/claims/:id/claimreview',
      tag: 'exports',
      summary: 'schema.org ClaimReview (JSON-LD) of a claim; 409 no-verdict when the claim has no verdict yet',
      params: 'id-params',
      status: 200,
      response: 'claim-review',
      produces: 'application/ld+json',
      errors: [409],
      handler: ({ params, res }) => {
        const review = service.claimReview(params.id);
        res.type('application/ld+json');
        return review;
      },
    },
  ];
}
