import { requireRole } from '../access/roles.js';
import { route, type RouteDef } from '../http/route.js';
import type { LogService } from './log-service.js';

export const CHECKPOINT_TYPE = 'text/plain; charset=utf-8';

export function logRoutes(service: LogService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/log/checkpoint',
      tag: 'access',
      summary: 'The signed checkpoint of the change log now (C2SP tlog-checkpoint in a signed note); save it to check later',
      status: 200,
      response: null,
      produces: CHECKPOINT_TYPE,
      handler: async () => (await service.checkpoint()).note,
    }),
    route({
      method: 'get',
      path: '/v1/log/key',
      tag: 'access',
      summary: "The log's verifier key (C2SP signed-note vkey) that checkpoints are signed with",
      status: 200,
      response: null,
      produces: CHECKPOINT_TYPE,
      handler: () => `${service.signer.verifierKey}\n`,
    }),
    route({
      method: 'get',
      path: '/v1/log/inclusion',
      tag: 'access',
      summary: 'An RFC 9162 inclusion proof for one change (key changes: admins only)',
      query: 'log-inclusion-query',
      status: 200,
      response: 'log-inclusion',
      // seq that names no change
      errors: [404, 422],
      handler: async ({ query, req }) => {
        if ((await service.recordTypeOf(query.seq)) === 'key') requireRole(req.viewer, 'admin', 'A proof for a key change record');
        return service.inclusion(query.seq, query.treeSize);
      },
    }),
    route({
      method: 'get',
      path: '/v1/log/consistency',
      tag: 'access',
      summary: 'An RFC 9162 consistency proof that the log at one size is a prefix of the log at a later size',
      query: 'log-consistency-query',
      status: 200,
      response: 'log-consistency',
      errors: [422],
      handler: ({ query }) => service.consistency(query.from, query.to),
    }),
  ];
}
