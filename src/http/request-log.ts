import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logging/logger.js';

// An id a proxy or client already gave the request is kept when it looks like one (so lines can be
// followed across services); anything else is replaced, so a header never smuggles text into the log.
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const PROBES = new Set(['/healthz', '/readyz']);

/** Route pattern, never the raw URL: a path or query can carry what a source said. */
export const routeOf = (req: Request): string | null => (req.route ? req.baseUrl + (req.route.path as string) : null);

function line(req: IncomingMessage, res: ServerResponse, ms: number) {
  const r = req as Request;
  return { method: r.method, route: routeOf(r), status: res.statusCode, ms, keyId: r.viewer?.keyId ?? null };
}

/**
 * One line per request: id, method, route pattern, status, duration and key id, nothing else (no
 * headers, no query string, no body). The id is also sent back as X-Request-Id and `req.log` carries it,
 * so the error handler's lines can be matched to the request's.
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    // The request is bound once per request; keep it to a word so the binding costs next to nothing.
    serializers: { req: (req: IncomingMessage) => req.method },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && WELL_FORMED_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // An access line is info whatever the status (the error handler writes the one error line of a 500);
    // probes come every few seconds from an orchestrator, so only at debug level unless they fail.
    customLogLevel: (req, res) => (res.statusCode < 400 && PROBES.has((req as Request).path) ? 'debug' : 'info'),
    customSuccessObject: (req, res, val: { responseTime: number }) => line(req, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => line(req, res, val.responseTime),
    customSuccessMessage: (req, res) => (res.writableEnded ? 'request' : 'request aborted'),
    customErrorMessage: () => 'request',
  }) as unknown as RequestHandler;
}
