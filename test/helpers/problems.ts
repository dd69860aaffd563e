import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import type { FieldError, Problem } from '../../src/generated/schema-types.js';

/**
 * A problem document as tests read it: the schema's members, and the extension members some answers
 * carry (the item of a bundle that failed, candidate spans, references, what a route allows).
 */
export interface ProblemBody extends Omit<Problem, 'references' | 'detail'> {
  detail: string;
  errors: FieldError[];
  references: Array<{ type: string; id: number; field?: string }>;
  item?: string;
  candidates: Array<{ start: number; end: number; exact?: string; prefix?: string; suffix?: string }>;
  found: { text: string };
  [extension: string]: unknown;
}

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(res: Response, status: number, code?: string): ProblemBody {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(res.text) as ProblemBody;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.match(body.type, /^https:\/\/whosaid\.dev\/problems\//);
  if (code) assert.equal(body.code, code);
  return body;
}

/** Asserts a 400 naming the given field pointers. */
export function expectFieldErrors(res: Response, pointers: string[], part = 'body'): ProblemBody {
  const body = expectProblem(res, 400, 'validation-failed');
  const got = (body.errors ?? []).filter((e) => e.in === part).map((e) => e.pointer);
  for (const p of pointers) assert.ok(got.includes(p), `expected an error at ${part} ${p}; got ${JSON.stringify(body.errors)}`);
  return body;
}
