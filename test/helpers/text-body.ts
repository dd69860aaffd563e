import type { Test } from 'supertest';

/** The response body as a string, whatever its media type (supertest parses only the types it knows). */
export function asText(req: Test): Test {
  return req.buffer(true).parse((res, cb) => {
    let s = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (s += c));
    res.on('end', () => cb(null, s));
  });
}
