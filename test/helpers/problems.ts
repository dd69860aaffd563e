import assert from 'node:assert/strict';
import type { Response } from 'supertest';

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(res: Response, status: number, code?: string): any {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(res.text);
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.match(body.type, /^https:\/\/whosaid\.dev\/problems\//);
  if (code) assert.equal(body.code, code);
  return body;
}

/** Asserts a 400 naming the given field pointers. */
export function expectFieldErrors(res: Response, pointers: string[], part = 'body'): any {
  const body = expectProblem(res, 400, 'validation-failed');
  const got = body.errors.filter((e: any) => e.in === part).map((e: any) => e.pointer);
  for (const p of pointers) assert.ok(got.includes(p), `expected an error at ${part} ${p}; got ${JSON.stringify(body.errors)}`);
  return body;
}
