import { ANSWERED, type Answered, route, type RouteDef } from '../http/route.js';
import type { SearchIndexTidier } from '../search/search-index-tidier.js';
import type { JobRunner } from '../workers/job-runner.js';

export function bundleRoutes(jobs: JobRunner, tidier: SearchIndexTidier): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/bundles',
      tag: 'bundles',
      summary:
        'Write a whole story atomically and idempotently (201 when anything was created, 200 when everything already existed or was only updated)',
      body: 'bundle',
      status: 201,
      response: 'bundle-result',
      errors: [409, 422],
      responses: {
        200: {
          description: 'Nothing was created: every item existed already (or was only updated)',
          content: { 'application/json': 'bundle-result' },
        },
      },
      // A 2 MiB bundle takes seconds to parse, validate and apply: a worker does all of it, in its own
      // transaction (src/workers/jobs.ts), while this thread goes on answering.
      ownTransaction: true,
      rawBody: true,
      handler: async ({ req, res }): Promise<Answered> => {
        // rawBody: the bytes as they came (req.body is a Buffer here, not the Bundle the schema types).
        const result = await jobs.run('bundles.apply', { body: req.body as Buffer | undefined, viewer: req.viewer });
        res
          .status(result.created === 0 ? 200 : 201)
          .type('application/json')
          .send(result.json);
        // Many statements at once leave the full-text indexes new segments to merge: done after this answer.
        tidier.request();
        return ANSWERED;
      },
    }),
  ];
}
