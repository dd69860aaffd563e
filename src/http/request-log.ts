import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/logger.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id: in its log line, in the error handler's, and sent back as X-Request-Id. */
      requestId?: string;
      [STARTED]?: number;
    }
  }
}

// An id a proxy or client already gave the request is kept when it looks like one (so lines can be
// followed across services); anything else is replaced, so a header never smuggles text into the log.
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const PROBES = new Set(['/healthz', '/readyz']);
/** When the request came in (ms since the epoch), kept on the request for its line. */
const STARTED = Symbol('started');

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
  // One listener function for every response (it reads the request from the response), rather than a
  // closure and a once-wrapper made per request. 'close' comes once a response is sent and also when the
  // client goes away first.
  function onClose(this: Response): void {
    const res = this;
    const req = res.req;
    // An access line is info whatever the status (the error handler writes the one error line of a
    // 500); probes come every few seconds from an orchestrator, so only at debug level unless they fail.
    const level = res.statusCode < 400 && PROBES.has(req.path) ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        reqId: req.requestId,
        method: req.method,
        route: routeOf(req),
        status: res.statusCode,
        ms: Date.now() - (req[STARTED] as number),
        keyId: req.viewer?.keyId ?? null,
      },
      res.writableFinished ? 'request' : 'request aborted',
    );
  }
  return (req, res, next) => {
    req[STARTED] = Date.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && WELL_FORMED_ID.test(given) ? given : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    res.on('close', onClose);
    next();
  };
}
