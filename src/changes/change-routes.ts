import { route, type RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import type { JobRunner } from '../workers/job-runner.js';
import { changeToApi, type ChangeService } from './change-service.js';

export function changeRoutes(service: ChangeService, jobs: JobRunner): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/changes',
      tag: 'access',
      summary: 'The change history, oldest first; confidential values as commitments unless entitled; key records admins only',
      query: 'change-list-query',
      status: 200,
      response: 'change-list',
      csv: true,
      handler: async ({ query, req }) => {
        const limit = query.limit ?? 50;
        const { rows, openings } = await service.list(
          { recordType: query.recordType, recordId: query.recordId, keyId: query.keyId, since: query.since, until: query.until },
          decodeCursor(query.cursor),
          limit,
          req.viewer,
        );
        const p = page(
          rows.map((r) => ({ ...r, id: r.seq })),
          limit,
        );
        return { items: p.items.map((r) => changeToApi(r, req.viewer, openings)), nextCursor: p.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/v1/changes/verify',
      tag: 'access',
      access: 'editor',
      summary: 'Check the whole history: chain, leaves, Merkle tree, recorded columns, and every record against its history',
      status: 200,
      response: 'change-verification',
      // Hashes every change ever made: on a worker, so other requests go on meanwhile.
      handler: () => jobs.run('changes.verify', {}),
    }),
  ];
}
