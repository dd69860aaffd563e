import type { Services } from '../app.js';
import type { Db } from '../db/database.js';
import type { Bundle, ChangeVerification } from '../generated/schema-types.js';
import { parseJsonBody } from '../http/parse-json-body.js';
import type { TidyResult } from '../search/search-index-service.js';
import type { Viewer } from '../shared/viewer.js';
import type { SchemaRegistry } from '../validation/ajv.js';
import { partValidator } from '../http/validate.js';

/** What a job sees: a connection of its own (in a worker) and the services built on it. */
export interface JobContext {
  db: Db;
  /** Built on first use: a job that only reads SQL pays nothing for them. */
  services(): Services;
  registry(): SchemaRegistry;
}

export interface JobDef<I, O> {
  /** Writes to the database: the job then holds the process's write gate while it runs (write-gate.ts). */
  writes: boolean;
  /** Input and output cross a thread boundary: plain data only (structured clone). */
  run(ctx: JobContext, input: I): O | Promise<O>;
}

const job = <I, O>(def: JobDef<I, O>) => def;

/**
 * Every job a worker can run, by name. To move long work off the event loop, add an entry here and call
 * `jobs.run(name, input)` (job-runner.ts) from the route; see README.md in this folder.
 */
export const JOBS = {
  /**
   * A whole bundle, from the request's raw bytes: parsed, validated and applied in one transaction
   * recorded as made by the caller. Answers the response body already serialised:
   * for a big bundle that is a megabyte the main thread need not stringify.
   */
  'bundles.apply': job<{ body: Uint8Array | undefined; viewer: Viewer }, { created: number; json: string }>({
    writes: true,
    run: async (ctx, { body, viewer }) => {
      const bundle = partValidator(ctx.registry(), 'body', 'bundle')(parseJsonBody(body)) as Bundle;
      // The writer goes with the transaction: the actor service decides who may set confidential fields.
      const result = await ctx.db.writeAs(viewer, () => ctx.services().bundles.apply(bundle));
      return { created: result.created, json: JSON.stringify(result) };
    },
  }),
  /** Bounded merge work on the full-text indexes after a bulk write (src/search/search-index-tidier.ts). */
  'search.tidy': job<Record<string, never>, TidyResult>({
    writes: true,
    run: (ctx) => ctx.services().searchIndex.tidy(),
  }),
  /** Recomputes the whole hash chain of the history. */
  'changes.verify': job<Record<string, never>, ChangeVerification>({
    writes: false,
    run: (ctx) => ctx.services().changes.verify(),
  }),
};

export type JobName = keyof typeof JOBS;
export type JobInput<N extends JobName> = Parameters<(typeof JOBS)[N]['run']>[1];
export type JobOutput<N extends JobName> = Awaited<ReturnType<(typeof JOBS)[N]['run']>>;
