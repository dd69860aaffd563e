import { ANSWERED, route, type RouteDef } from '../http/route.js';
import { streamText, wantsFile } from '../http/stream.js';
import type { ExportService, ProvScope } from './export-service.js';
import { PROV_WRITERS } from './prov-formats.js';

export function exportRoutes(service: ExportService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/exports/prov',
      tag: 'exports',
      summary:
        'W3C PROV of a document, a claim or (with neither) everything, streamed: PROV-JSON, or PROV-N (?format=provn) or PROV-XML (?format=provxml) with the same records and identifiers',
      query: 'prov-query',
      status: 200,
      response: 'prov-document',
      // documentId or claimId that names no record
      errors: [404],
      responses: {
        200: {
          description: 'PROV-N (?format=provn) or PROV-XML (?format=provxml): the records of the PROV-JSON, as text',
          content: { 'text/provenance-notation': null, 'application/provenance+xml': null },
        },
      },
      handler: async ({ query, res }) => {
        const format = query.format ?? 'json';
        const writer = PROV_WRITERS[format];
        const scope: ProvScope | null = query.documentId
          ? { type: 'document', id: query.documentId }
          : query.claimId
            ? { type: 'claim', id: query.claimId }
            : null;
        const name = scope ? `${scope.type}-${scope.id}` : 'all';
        // Built before any header is set: an unknown record is a plain 404 problem.
        const body = scope ? (format === 'json' ? await service.provJson(scope) : await service.provText(scope, writer)) : null;
        if (wantsFile(query)) res.attachment(`whosaid-prov-${name}.${writer.extension}`);
        if (body === null) return streamText(res, writer.contentType, (sink) => service.streamProv(sink, writer));
        if (typeof body !== 'string') return body;
        res.type(writer.contentType).send(body);
        return ANSWERED;
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
