import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** One route as the dispatcher holds it: a method, a path in Express syntax (/v1/actors/:id) and its steps. */
export interface DispatchEntry {
  method: string;
  path: string;
  handlers: RequestHandler[];
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string };

interface Compiled {
  /** Each segment after the leading slash: a literal (lower case) or a parameter's name. */
  segments: Segment[];
  entry: DispatchEntry;
  /** What Express puts in req.route, for what reads the route's pattern (the request log, 403 details). */
  route: { path: string; methods: Record<string, boolean> };
}

/** Express's router's decoding of a parameter: a malformed escape is the client's error, 400. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) {
      err.message = `Failed to decode param '${value}'`;
      Object.assign(err, { status: 400, statusCode: 400 });
    }
    throw err;
  }
}

function compile(entry: DispatchEntry): Compiled {
  const segments = entry.path
    .split('/')
    .slice(1)
    .map((s): Segment => (s.startsWith(':') ? { kind: 'param', name: s.slice(1) } : { kind: 'literal', text: s.toLowerCase() }));
  for (const s of segments) {
    if (s.kind === 'literal' && /[*?(){}[\]+!:]/.test(s.text))
      throw new Error(`dispatch: ${entry.path} is not a plain path (literals and :params only)`);
  }
  return { segments, entry, route: { path: entry.path, methods: { [entry.method]: true } } };
}

/** The route's parameters when it matches these path segments, else null. */
function match(c: Compiled, parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < c.segments.length; i++) {
    const s = c.segments[i];
    const part = parts[i];
    if (s.kind === 'literal') {
      if (part !== s.text && part.toLowerCase() !== s.text) return null;
    } else {
      if (part.length === 0) return null;
      params[s.name] = decodeParam(part);
    }
  }
  return params;
}

/**
 * The API's routes as one router layer: a request is matched by method and number of path segments to the
 * few routes that can match, instead of walking one Express layer per route (each layer costs a regular
 * expression, a closure and the router's bookkeeping, and a statement read walked a dozen of them).
 * Matching is Express's: case-insensitive literals, an optional trailing slash, parameters one whole
 * segment, percent-decoded (400 when malformed), HEAD served by GET routes, and routes tried in the order
 * given; req.params and req.route are set as Express sets them. Steps run as Express runs a route's
 * handlers: `next()` moves on (past the last step, to the next matching route, then out of this layer),
 * an error passed on, thrown or rejected goes to the app's error handler.
 */
export function dispatch(entries: DispatchEntry[]): RequestHandler {
  const byKey = new Map<string, Compiled[]>();
  for (const entry of entries) {
    const c = compile(entry);
    const key = `${entry.method.toUpperCase()} ${c.segments.length}`;
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  return (req: Request, res: Response, next: NextFunction) => {
    let path = req.path;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const parts = path.split('/');
    parts.shift();
    let candidates = byKey.get(`${req.method} ${parts.length}`);
    if (candidates === undefined && req.method === 'HEAD') candidates = byKey.get(`GET ${parts.length}`);
    if (candidates === undefined) return next();
    const found = candidates;
    let at = 0;
    // The next matching route, its steps one after another.
    const nextRoute = (err?: unknown): void => {
      // As Express: a falsy error is none, 'route' skips to the next route, 'router' leaves this layer.
      if (err === 'router' || (err && err !== 'route')) {
        next(err === 'router' ? undefined : err);
        return;
      }
      for (; at < found.length; ) {
        const c = found[at++];
        let params: Record<string, string> | null;
        try {
          params = match(c, parts);
        } catch (decodeError) {
          next(decodeError);
          return;
        }
        if (params === null) continue;
        req.params = params;
        (req as { route: unknown }).route = c.route;
        runSteps(c.entry.handlers, req, res, nextRoute);
        return;
      }
      next();
    };
    nextRoute();
  };
}

function runSteps(handlers: RequestHandler[], req: Request, res: Response, done: (err?: unknown) => void): void {
  let i = 0;
  const step = (err?: unknown): void => {
    if (err || i === handlers.length) {
      done(err);
      return;
    }
    const handler = handlers[i++];
    try {
      const result = handler(req, res, step) as unknown;
      if (result instanceof Promise) result.then(undefined, (e: unknown) => step(e || new Error('Rejected promise')));
    } catch (e) {
      step(e);
    }
  };
  step();
}
