import type { Express, NextFunction, Request, Response } from 'express';
import type { Db } from '../db/database.js';
import type { SchemaRegistry } from '../validation/ajv.js';
import { HttpError } from './problem.js';
import type { RouteDef } from './route.js';
import { partValidator } from './validate.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** Mounts each route with its validators compiled once, here, at start. */
export function mountRoutes(app: Express, registry: SchemaRegistry, routes: RouteDef[], db: Db): void {
  for (const route of routes) {
    const params = route.params ? partValidator(registry, 'path', route.params) : () => ({});
    const query = partValidator(registry, 'query', route.query ?? 'empty-query');
    const body = route.body ? partValidator(registry, 'body', route.body) : null;
    app[route.method](route.path, async (req: Request, res: Response) => {
      const ctx = {
        params: params(req.params),
        query: query(req.query ?? {}),
        body: undefined as unknown,
        req,
        res,
      };
      if (body) {
        if (!JSON_TYPE.test(req.get('content-type') ?? '')) {
          throw new HttpError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.');
        }
        ctx.body = body(req.body);
      } else if (req.body !== undefined && Object.keys(req.body as object).length > 0) {
        throw new HttpError(400, 'unexpected-body', 'Unexpected body', `${route.method.toUpperCase()} ${route.path} takes no body.`);
      }
      res.status(route.status);
      // A write is one transaction: if anything in it throws, nothing of it stays.
      const result = route.method === 'get' ? await route.handler(ctx) : db.transaction(() => route.handler(ctx));
      if (res.headersSent) return;
      if (route.response === null || result === undefined) res.end();
      else if (route.produces && typeof result === 'string') res.type(route.produces).send(result);
      else res.json(result);
    });
  }
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
    next(new HttpError(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}.`, { allow: allowed }));
  };
}
