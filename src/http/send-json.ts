import { hash } from 'node:crypto';
import type { Express, Request, Response } from 'express';

export type SendJson = (req: Request, res: Response, value: unknown) => void;

/**
 * res.json for a route's body, answering exactly as Express's res.json does with the app's settings at
 * start (Content-Type with charset, Content-Length, the weak ETag of the `etag` package, 304 when the
 * request is fresh, no body for HEAD), without the steps that cost more than the rest of the reply: the
 * body copied into a Buffer only to be hashed, a SHA-1 object per response, the Content-Type parsed back
 * to add its charset. The body goes out as one string, written with the headers in one call.
 * test/send-json.test.ts holds it to Express's own answers.
 *
 * Anything this does not cover (a JSON replacer, spaces or escaping, another ETag setting, a Content-Type
 * or ETag a handler set, a status other than 200 or 201) goes through res.json as before.
 */
export function jsonSender(app: Express): SendJson {
  const plain = app.get('etag') === 'weak' && !app.get('json replacer') && !app.get('json spaces') && !app.get('json escape');
  if (!plain) return (_req, res, value) => void res.json(value);
  return (req, res, value) => {
    const status = res.statusCode;
    if ((status !== 200 && status !== 201) || res.hasHeader('content-type') || res.hasHeader('etag')) {
      res.json(value);
      return;
    }
    const body = JSON.stringify(value);
    const length = Buffer.byteLength(body, 'utf8');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', String(length));
    // The etag package's weak tag: W/"<byte length, hex>-<SHA-1 of the bytes, base64, first 27 characters>".
    res.setHeader('ETag', `W/"${length.toString(16)}-${hash('sha1', body, 'base64').slice(0, 27)}"`);
    if (req.fresh) {
      res.statusCode = 304;
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Length');
      res.end();
    } else if (req.method === 'HEAD') res.end();
    else res.end(body, 'utf8');
  };
}
