import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Db } from '../db/database.js';
import type { SchemaRegistry } from '../validation/ajv.js';
import { HttpError } from './problem.js';
import { ANSWERED, accessOf, type RouteContext, type RouteDef } from './route.js';
import { partValidator } from './validate.js';
import { checkJsonBytes } from './json-input.js';
import { csvResponder } from './csv.js';
import { jsonSender, sendReply, type JsonReply } from './send-json.js';
import { ReadCache } from '../shared/read-cache.js';
import type { WriteGate } from '../workers/write-gate.js';
import { dispatch, type DispatchEntry } from './dispatch.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

export interface MountOptions {
  db: Db;
  registry: SchemaRegistry;
  bodyLimit: number;
  /** Main-thread writes wait on it while a worker thread writes (src/workers/write-gate.ts). */
  writeGate?: WriteGate;
  /** Throws 401/403/429 when the request may not use this route. */
  authorize: (route: RouteDef) => (req: Request) => void;
}

/** Answers of `cached` routes kept at once, per route: at most this many, and this many bytes of body. */
const CACHED_ANSWERS = 2000;
const CACHED_BYTES = 16 * 1024 * 1024;

// Node's parsed headers (lower-case names), read directly: req.get lower-cases the name and checks for referer each time.
const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/**
 * Mounts the routes, as one router layer (http/dispatch.ts). Each route: access check first (so nobody
 * unentitled gets a body parsed or a validation answer), then the body, then validators compiled once,
 * here, at start.
 */
export function mountRoutes(app: Express, routes: RouteDef[], opts: MountOptions): void {
  const entries: DispatchEntry[] = [];
  // Bytes that are not UTF-8 are refused before decoding (a decoder would store them altered); depth, lone
  // surrogates and NUL are checked by the body validator (validate.ts), whoever parsed the body.
  const json = express.json({ limit: opts.bodyLimit, type: () => true, verify: (_req, _res, raw) => checkJsonBytes(raw) });
  const sendJson = jsonSender(app);
  const raw = express.raw({ limit: opts.bodyLimit, type: () => true, verify: (_req, _res, body) => checkJsonBytes(body) });
  for (const route of routes) {
    const authorize = opts.authorize(route);
    const params = route.params ? partValidator(opts.registry, 'path', route.params) : () => ({});
    const query = partValidator(opts.registry, 'query', route.query ?? 'empty-query');
    const body = route.body && !route.rawBody ? partValidator(opts.registry, 'body', route.body) : null;
    const write = route.method !== 'get' && accessOf(route) !== 'public' && !route.ownTransaction;
    const csv = route.csv ? csvResponder(route, opts.registry.schemas) : null;
    if (route.cached && (route.method !== 'get' || route.csv || route.produces))
      throw new Error(`${route.method} ${route.path}: only a GET answering JSON alone may be cached`);
    const kept = route.cached ? new ReadCache<JsonReply>(CACHED_ANSWERS, CACHED_BYTES, (r) => r.length) : null;

    // Access, then the body's media type (or its absence): before any body is read or validated.
    const check = (req: Request) => {
      authorize(req);
      if (route.body && !JSON_TYPE.test(req.get('content-type') ?? '')) {
        throw new HttpError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.');
      }
      if (!route.body && hasBody(req)) {
        throw new HttpError(400, 'unexpected-body', 'Unexpected body', `${route.method.toUpperCase()} ${route.path} takes no body.`);
      }
    };
    // What a cached answer is kept under: the role as well as the URL, whatever the route says it depends on.
    const keyOf = (req: Request) => `${req.viewer.role} ${req.url}`;
    const reply = (req: Request, res: Response, p: Record<string, unknown>, asCsv: boolean, result: unknown, version: string | null) => {
      if (res.headersSent) return;
      if (csv) res.vary('Accept');
      if (asCsv) return csv?.send(req, res, p, result);
      // A text body (response null, produces a text type) goes as it is; a schema'd body as JSON.
      if (route.produces && typeof result === 'string') res.type(route.produces).send(result);
      else if (route.response === null || result === undefined || result === ANSWERED) res.end();
      else if (route.produces) res.type(route.produces).json(result);
      else {
        const sent = sendJson(req, res, result);
        if (kept && sent) kept.set(keyOf(req), version, sent);
      }
    };
    // A write is one transaction, recorded as made with the caller's key: if anything throws, nothing stays.
    const run = (req: Request, ctx: RouteContext) =>
      write ? opts.db.writeAs(req.viewer, async () => route.handler(ctx)) : route.handler(ctx);
    // Synchronous unless the handler or the write gate is not: a read costs no promise and no extra tick.
    const handle = (req: Request, res: Response): unknown => {
      const p = params(req.params) as Record<string, unknown>;
      const q = query(req.query ?? {}) as Record<string, unknown>;
      // Read before the handler runs: a commit while it runs moves the version on, and its answer is not kept.
      const version = kept ? opts.db.readVersion() : null;
      if (kept) {
        const hit = kept.get(keyOf(req), version);
        if (hit) {
          res.statusCode = route.status;
          return sendReply(req, res, hit);
        }
      }
      const asCsv = csv?.wanted(req, q.format) ?? false;
      // The format is the mount's business: the handler builds the same body either way.
      if (csv) delete q.format;
      const ctx: RouteContext = {
        params: p,
        query: q,
        body: body ? body(req.body) : route.rawBody ? req.body : undefined,
        req,
        res,
      };
      // A route's status is a valid code fixed at start: res.status would check it again on every request.
      res.statusCode = route.status;
      const settle = (result: unknown) =>
        result instanceof Promise ? result.then((r) => reply(req, res, p, asCsv, r, version)) : reply(req, res, p, asCsv, result, version);
      // Never wait for the database lock on the event loop: if a worker is writing, wait here instead.
      if (write && opts.writeGate?.busy) return opts.writeGate.idle().then(() => settle(run(req, ctx)));
      return settle(run(req, ctx));
    };
    if (route.body) {
      const gate: RequestHandler = (req, _res, next) => {
        check(req);
        next();
      };
      entries.push({ method: route.method, path: route.path, handlers: [gate, route.rawBody ? raw : json, handle] });
    } else {
      // No body to parse: the checks and the handler in one step.
      const checkAndHandle = (req: Request, res: Response) => {
        check(req);
        return handle(req, res);
      };
      entries.push({ method: route.method, path: route.path, handlers: [checkAndHandle as RequestHandler] });
    }
  }
  app.use(dispatch(entries));
}

/** 404 for unknown paths, 405 with Allow for known paths with another method. */
export function fallbackHandler(routes: RouteDef[]) {
  const matchers = routes.map((r) => ({
    method: r.method.toUpperCase(),
    re: new RegExp('^' + r.path.replace(/:[A-Za-z]+/g, '[^/]+') + '/?$'),
  }));
  return (req: Request, _res: Response, next: NextFunction) => {
    const allowed = [...new Set(matchers.filter((m) => m.re.test(req.path)).map((m) => m.method))];
    if (allowed.length === 0) return next(new HttpError(404, 'not-found', 'Not found', `No route ${req.method} ${req.path}.`));
    if (allowed.includes('GET')) allowed.push('HEAD');
    next(
      new HttpError(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}.`, {
        allow: allowed,
      }),
    );
  };
}
