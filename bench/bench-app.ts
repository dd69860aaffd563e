// The app as the benchmarks drive it: every read public, no rate limits, no request log, so what is timed
// is the work of answering and nothing a deployment adds around it.
import { createApp } from '../src/app.js';
import type { Db } from '../src/db/database.js';
import { createLogger } from '../src/logging/logger.js';

export function benchApp(db: Db): ReturnType<typeof createApp> {
  return createApp({
    db,
    publicReads: true,
    rateLimitPerKey: 0,
    rateLimitPerAddress: 0,
    requestLog: false,
    logger: createLogger({ level: 'silent' }),
  });
}
