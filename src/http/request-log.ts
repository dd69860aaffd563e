import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id: in its log line, in the error handler's, and sent back as X-Request-Id. */
      requestId?: string;
    }
  }
}

// An id a proxy or client already gave the request is kept when it looks like one (so lines can be
// followed across services); anything else is replaced, so a header never smuggles text into the log.
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const PROBES = new Set(['/healthz', '/readyz']);

/** Route pattern, never the raw URL: a path or query can carry what a source said. */
export const routeOf = (req: Request): string | null => (req.route ? req.baseUrl + (req.route.path as string) : null);

/**
 * One line per request: id, method, route pattern, status, duration and key id, nothing else (no
 * headers, no query string, no body). The id is also sent back as X-Request-Id and kept as
 * `req.requestId`, so the error handler's lines can be matched to the request's.
 *
 * Written by hand rather than with pino-http: that builds two child loggers and three listeners per
 * request, which cost more than the rest of a statement read's logging together. Here a request costs one
 * listener and, at the end, one call of the process's logger.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && WELL_FORMED_ID.test(given) ? given : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    // 'close' comes once a response is sent and also when the client goes away first.
    res.once('close', () => {
      // An access line is info whatever the status (the error handler writes the one error line of a
      // 500); probes come every few seconds from an orchestrator, so only at debug level unless they fail.
      const level = res.statusCode < 400 && PROBES.has(req.path) ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: id,
          method: req.method,
          route: routeOf(req),
          status: res.statusCode,
          ms: Date.now() - started,
          keyId: req.viewer?.keyId ?? null,
        },
        res.writableFinished ? 'request' : 'request aborted',
      );
    });
    next();
  };
}
