// The response contract: every response an app built by createApp sends while the tests run is checked
// against the OpenAPI document that same app serves (app.locals.openapi): the status must be declared for
// the operation, the content type declared for the status, and a JSON body valid against the declared
// schema. Installed once for every suite by test/helpers/contract-hooks.ts (.mocharc.json), which fails
// the test that produced a violation.
import { ServerResponse, type IncomingMessage } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { isPartialDate } from '../../src/validation/ajv.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, formats?: string[]) => Ajv2020;

/** What one response did wrong, and which request it answered. */
export interface Violation {
  request: string;
  problem: string;
}

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, { content?: Record<string, unknown> }> };
}

interface Sent {
  status: number;
  contentType: string | undefined;
  body: Buffer;
  headers: (name: string) => unknown;
}

const pointer = (...parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const mediaType = (t: string) => t.split(';')[0].trim().toLowerCase();
const isJson = (t: string) => /^application\/(?:[\w.+-]+\+)?json$/.test(t);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** One document's operations and compiled body schemas (compiled on first use: most are never reached). */
class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ path: string; re: RegExp; literal: number }>;

  constructor(private readonly doc: OpenApi) {
    addFormats(this.ajv, ['date-time', 'date', 'uri', 'email']);
    this.ajv.addFormat('partial-date', { type: 'string', validate: isPartialDate });
    this.ajv.addSchema(doc as object, 'openapi');
    // A literal segment beats a parameter (/v1/keys/current before /v1/keys/{id}), as Express mounts them.
    this.templates = Object.keys(doc.paths)
      .map((path) => ({
        path,
        re: new RegExp('^' + path.replace(/\{[^}]+\}/g, '[^/]+') + '/?$'),
        literal: path.split('/').filter((s) => s && !s.startsWith('{')).length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  check(method: string, path: string, sent: Sent): string[] {
    const m = method === 'HEAD' ? 'get' : method.toLowerCase();
    const template = this.templates.find((t) => t.re.test(path) && this.doc.paths[t.path][m]);
    if (!template) return this.unrouted(method, path, sent);
    const op = this.doc.paths[template.path][m];
    const where = `${m.toUpperCase()} ${template.path}`;
    let response = op.responses[String(sent.status)];
    let at = pointer('paths', template.path, m, 'responses', String(sent.status));
    if (!response) return [`${where} does not declare status ${sent.status}`];
    if (response.$ref) {
      const name = response.$ref.split('/').pop()!;
      response = this.doc.components.responses?.[name] ?? {};
      at = pointer('components', 'responses', name);
    }
    return this.body(where, at, response.content, method === 'HEAD', sent);
  }

  /** No operation has this path and method: the fallback's 404 or 405 problem, or a CORS preflight. */
  private unrouted(method: string, path: string, sent: Sent): string[] {
    if (method === 'OPTIONS' && sent.status === 204 && sent.headers('access-control-allow-methods')) return [];
    const known = this.templates.some((t) => t.re.test(path) && METHODS.some((x) => this.doc.paths[t.path][x]));
    const expected = known ? 405 : 404;
    if (sent.status !== expected)
      return [`no operation answers ${method} ${path}, so only the ${expected} problem may, but it sent ${sent.status}`];
    return this.body(`${method} ${path} (no operation)`, pointer('components', 'responses', 'InternalError'), undefined, false, sent, true);
  }

  private body(
    where: string,
    at: string,
    content: Record<string, unknown> | undefined,
    head: boolean,
    sent: Sent,
    problem = false,
  ): string[] {
    const declared = problem ? { 'application/problem+json': {} } : (content ?? {});
    const types = Object.keys(declared);
    if (types.length === 0) {
      return sent.body.length
        ? [`${where} ${sent.status} declares no body, but one was sent (${sent.contentType ?? 'no content type'})`]
        : [];
    }
    if (!sent.contentType) return head || sent.body.length === 0 ? [] : [`${where} ${sent.status} sent a body with no content type`];
    const type = mediaType(sent.contentType);
    const key = types.find((t) => mediaType(t) === type);
    if (!key) return [`${where} ${sent.status} does not declare ${type} (declared: ${types.join(', ')})`];
    if (head || !isJson(type)) return [];
    let value: unknown;
    try {
      value = JSON.parse(sent.body.toString('utf8'));
    } catch {
      return [`${where} ${sent.status} sent ${type} that is not JSON`];
    }
    const validate = problem
      ? this.schema(pointer('components', 'schemas', 'problem'))
      : this.schema(`${at}/content/${pointer(key).slice(2)}/schema`);
    const errors: string[] = [];
    if (!validate(value)) {
      const list = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
      errors.push(`${where} ${sent.status} ${type} body does not match its schema: ${list.join('; ')}`);
    }
    if (type === 'application/problem+json' && (value as { status?: unknown })?.status !== sent.status)
      errors.push(`${where} ${sent.status}: the problem's status member says ${(value as { status?: unknown })?.status}`);
    return errors;
  }

  private schema(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) this.validators.set(ref, (v = this.ajv.compile({ $ref: 'openapi' + ref })));
    return v;
  }
}

// Every app builds its own document; equal documents share one compiled Contract.
const byDoc = new WeakMap<object, Contract>();
const byText = new Map<string, Contract>();
function contractOf(doc: object): Contract {
  let c = byDoc.get(doc);
  if (!c) {
    const text = JSON.stringify(doc);
    c = byText.get(text) ?? new Contract(doc as OpenApi);
    byText.set(text, c);
    byDoc.set(doc, c);
  }
  return c;
}

// Mocha loads the root hooks with require() and test files import this module: two instances, one state.
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('whosaid.contract')] ??= {
  violations: [] as Violation[],
  // Responses are checked when the test ends, not as they are sent: parsing and validating a large body
  // would otherwise hold the event loop in the middle of a test that measures how responsive it stays.
  pending: [] as Array<() => void>,
  checked: 0,
  installed: false,
}) as { violations: Violation[]; pending: Array<() => void>; checked: number; installed: boolean };
const { violations, pending } = state;

function runPending(): void {
  for (const check of pending.splice(0)) check();
}

/** The violations since the last call, removed (a test that provokes one on purpose takes it). */
export function takeViolations(): Violation[] {
  runPending();
  return violations.splice(0);
}

/** How many responses have been checked so far. */
export function responsesChecked(): number {
  runPending();
  return state.checked;
}

/** Throws naming every violation recorded since the last call. */
export function failOnViolations(): void {
  const found = takeViolations();
  if (found.length === 0) return;
  throw new Error(
    `response contract (OpenAPI) violated by ${found.length} response${found.length === 1 ? '' : 's'}:\n` +
      found.map((v) => `  ${v.request}: ${v.problem}`).join('\n'),
  );
}

interface Capture {
  chunks: Buffer[];
  status?: number;
  headers?: Record<string, unknown>;
}
type Req = IncomingMessage & { app?: Express; originalUrl?: string };
const captures = new WeakMap<ServerResponse, Capture>();
const capture = (res: ServerResponse) => {
  let cap = captures.get(res);
  if (!cap) captures.set(res, (cap = { chunks: [] }));
  return cap;
};

const toBuffer = (chunk: unknown, encoding?: unknown) =>
  typeof chunk === 'string'
    ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    : Buffer.from(chunk as Uint8Array);

function record(res: ServerResponse): void {
  const req = res.req as Req | undefined;
  const doc = req?.app?.locals?.openapi as object | undefined;
  const cap = captures.get(res);
  if (!req || !doc || !cap) return;
  const written = cap.headers ?? {};
  const headers = new Map<string, unknown>(Object.entries(written).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of res.getHeaderNames()) headers.set(name, res.getHeader(name));
  const status = cap.status ?? res.statusCode;
  const method = req.method ?? 'GET';
  const url = req.originalUrl ?? req.url ?? '';
  const request = `${method} ${url.length > 120 ? url.slice(0, 117) + '...' : url} → ${status}`;
  pending.push(() => {
    state.checked++;
    try {
      const problems = contractOf(doc).check(method, new URL(url, 'http://x').pathname, {
        status,
        contentType: headers.get('content-type') as string | undefined,
        body: Buffer.concat(cap.chunks),
        headers: (name) => headers.get(name),
      });
      for (const problem of problems) violations.push({ request, problem });
    } catch (err) {
      violations.push({ request, problem: `could not be checked: ${(err as Error).message}` });
    }
  });
}

type Fn = (this: ServerResponse, ...args: unknown[]) => unknown;

/**
 * Wraps ServerResponse's writeHead, write and end (so every response of every app in this process, through
 * supertest or a real socket): the body is kept as it is written and checked once the test ends.
 */
export function installContractCheck(): void {
  if (state.installed) return;
  state.installed = true;
  const proto = ServerResponse.prototype as unknown as Record<'writeHead' | 'write' | 'end', Fn>;
  const { writeHead, write, end } = proto;
  proto.writeHead = function (...args) {
    const cap = capture(this);
    cap.status = Number(args[0]);
    const headers = args.slice(1).find((r) => r && typeof r === 'object' && !Array.isArray(r));
    if (headers) cap.headers = headers as Record<string, unknown>;
    return writeHead.apply(this, args);
  };
  proto.write = function (...args) {
    if (args[0] != null && typeof args[0] !== 'function') capture(this).chunks.push(toBuffer(args[0], args[1]));
    return write.apply(this, args);
  };
  proto.end = function (...args) {
    const cap = capture(this);
    if (args[0] != null && typeof args[0] !== 'function') cap.chunks.push(toBuffer(args[0], args[1]));
    const ended = this.writableEnded;
    const out = end.apply(this, args);
    if (!ended) record(this);
    return out;
  };
}
