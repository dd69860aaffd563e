import type { NextFunction, Request, Response } from 'express';
import { describeError } from '../logging/describe-error.js';
import type { Logger } from '../logging/logger.js';
import { HttpError } from './problem.js';
import { routeOf } from './request-log.js';

// body-parser errors carry a `type`; map them to stable problem codes.
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed-json', 'Malformed JSON'],
  'entity.too.large': [413, 'payload-too-large', 'Payload too large'],
  'encoding.unsupported': [415, 'unsupported-encoding', 'Unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported-charset', 'Unsupported charset'],
  'request.aborted': [400, 'request-aborted', 'Request aborted'],
  'request.size.invalid': [400, 'request-size-invalid', 'Request size did not match Content-Length'],
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: string; status?: number; limit?: number };
  const mapped = e?.type ? PARSER_ERRORS[e.type] : undefined;
  if (mapped) {
    const detail =
      mapped[1] === 'payload-too-large'
        ? `The body exceeds the limit of ${e.limit} bytes.`
        : mapped[1] === 'malformed-json'
          ? 'The body is not valid JSON.'
          : mapped[2] + '.';
    return new HttpError(mapped[0], mapped[1], mapped[2], detail);
  }
  if (e?.status && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'bad-request', 'Bad request', 'The request could not be read.');
  return new HttpError(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

/** The one error handler, registered last. Never sends stack traces, SQL or input values. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) {
      // The request id (as in the request's line); the route pattern, never the path, which may hold a quote.
      logger.error(
        {
          reqId: req.requestId,
          method: req.method,
          route: routeOf(req),
          // A database error's text may quote what a source said: describeError keeps its code and names.
          error: describeError(err),
        },
        'unhandled error',
      );
    }
    if (res.headersSent) return res.end();
    // Header values travel in `extra` but belong in headers, not in the problem body.
    const { allow, retryAfter, wwwAuthenticate, ...problem } = httpError.toProblem(req.path) as Record<string, unknown>;
    if (allow) res.set('Allow', (allow as string[]).join(', '));
    if (retryAfter) res.set('Retry-After', String(retryAfter));
    if (wwwAuthenticate) res.set('WWW-Authenticate', String(wwwAuthenticate));
    res.status(httpError.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}
