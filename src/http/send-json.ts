import { hash } from 'node:crypto';
import type { Express, Request, Response } from 'express';

/** A JSON body ready to send: its text, its length in bytes and its weak ETag. */
export interface JsonReply {
  body: string;
  length: number;
  etag: string;
}

/**
 * Sends a route's body; gives back what it sent when it went out as a plain JSON reply (status 200 or
 * 201, no Content-Type or ETag of the handler's own), which may then be sent again as it is (sendReply).
 */
export type SendJson = (req: Request, res: Response, value: unknown) => JsonReply | undefined;

export function jsonReply(value: unknown): JsonReply {
  const body = JSON.stringify(value);
  const length = Buffer.byteLength(body, 'utf8');
  // The etag package's weak tag: W/"<byte length, hex>-<SHA-1 of the bytes, base64, first 27 characters>".
  return { body, length, etag: `W/"${length.toString(16)}-${hash('sha1', body, 'base64').slice(0, 27)}"` };
}

/** Sends a prepared reply with the response's status: 304 when the request is fresh, no body for HEAD. */
export function sendReply(req: Request, res: Response, reply: JsonReply): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(reply.length));
  res.setHeader('ETag', reply.etag);
  if (req.fresh) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.end();
  } else if (req.method === 'HEAD') res.end();
  else res.end(reply.body, 'utf8');
}

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
      return undefined;
    }
    const reply = jsonReply(value);
    sendReply(req, res, reply);
    return reply;
  };
}
