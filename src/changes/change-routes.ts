import type { RouteDef } from '../http/route.js';
import { decodeCursor, page } from '../http/cursor.js';
import { changeToApi, type ChangeService } from './change-service.js';

export function changeRoutes(service: ChangeService): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/v1/changes',
      tag: 'access',
      summary: 'The change history, oldest first; confidential values redacted unless editor',
      query: 'change-list-query',
      status: 200,
      response: 'change-list',
      handler: ({ query, req }) => {
        const limit = query.limit ?? 50;
        const rows = service.list(
          { recordType: query.recordType, recordId: query.recordId, keyId: query.keyId, since: query.since, until: query.until },
          decodeCursor(query.cursor),
          limit,
        );
        const p = page(
          rows.map((r) => ({ ...r, id: r.seq })),
          limit,
        );
        return { items: p.items.map((r) => changeToApi(r, req.viewer)), nextCursor: p.nextCursor };
      },
    },
    {
      method: 'get',
      path: '/v1/changes/verify',
      tag: 'access',
      summary: 'Recompute the hash chain and name the first broken link',
      status: 200,
      response: 'change-verification',
      handler: () => service.verify(),
    },
  ];
}
