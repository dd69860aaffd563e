import assert from 'node:assert/strict';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import request from 'supertest';
import { dispatch, type DispatchEntry } from '../src/http/dispatch.js';

const echo =
  (name: string): RequestHandler =>
  (req, res) =>
    void res.json({ name, params: req.params, route: (req.route as { path: string }).path, method: req.method });

// Routes in a deliberate order: a literal before a parameter in the same place, one route that passes the
// request on, one that skips to the next route, one that throws, one whose promise is rejected.
const ROUTES: DispatchEntry[] = [
  { method: 'get', path: '/v1/things/search', handlers: [echo('search')] },
  { method: 'get', path: '/v1/things/:id', handlers: [(req, _res, next) => (req.params.id === 'pass' ? next() : next()), echo('thing')] },
  { method: 'get', path: '/v1/things/:id/parts/:part', handlers: [echo('part')] },
  { method: 'get', path: '/v1/skip/:id', handlers: [(_req, _res, next) => next('route'), echo('never')] },
  { method: 'get', path: '/v1/skip/:id', handlers: [echo('after-skip')] },
  { method: 'post', path: '/v1/things', handlers: [express.json(), (req, res) => void res.status(201).json({ got: req.body })] },
  {
    method: 'get',
    path: '/v1/throws',
    handlers: [
      () => {
        throw Object.assign(new Error('thrown'), { status: 418 });
      },
    ],
  },
  { method: 'get', path: '/v1/rejects', handlers: [async () => Promise.reject(Object.assign(new Error('rejected'), { status: 409 }))] },
  { method: 'delete', path: '/v1/things/:id', handlers: [echo('delete')] },
];

const fallback = (req: Request, res: Response) => void res.status(404).json({ fallback: `${req.method} ${req.path}` });
const errors = (err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) =>
  void res.status(err.status ?? 500).json({ error: err.message });

/** The routes mounted by Express's own router, one layer each. */
function byExpress(): Express {
  const app = express();
  for (const r of ROUTES) app[r.method as 'get'](r.path, ...r.handlers);
  app.use(fallback);
  app.use(errors);
  return app;
}

/** The same routes as one dispatch layer. */
function byDispatch(): Express {
  const app = express();
  app.use(dispatch(ROUTES));
  app.use(fallback);
  app.use(errors);
  return app;
}

const REQUESTS: Array<[string, string, object?]> = [
  ['get', '/v1/things/search'],
  ['get', '/v1/things/12'],
  ['get', '/V1/THINGS/12'],
  ['get', '/v1/things/12/'],
  ['get', '/v1/things/a%20b'],
  ['get', '/v1/things/%E0%A4%A'],
  ['get', '/v1/things/pass'],
  ['get', '/v1/things/12/parts/3?x=1'],
  ['get', '/v1/things//parts/3'],
  ['get', '/v1/things'],
  ['get', '/v1/things/1/2'],
  ['get', '/v1/skip/1'],
  ['get', '/v1/throws'],
  ['get', '/v1/rejects'],
  ['head', '/v1/things/12'],
  ['delete', '/v1/things/12'],
  ['put', '/v1/things/12'],
  ['post', '/v1/things', { a: 1 }],
  ['get', '/nowhere'],
  ['get', '/'],
];

describe('dispatch', () => {
  describe('one layer for many routes', () => {
    it("answers every request as Express's router does: status, body, params, route pattern", async () => {
      const expressApp = byExpress();
      const dispatchApp = byDispatch();
      for (const [method, path, body] of REQUESTS) {
        const send = (app: Express) => {
          const r = (request(app) as unknown as Record<string, (p: string) => request.Test>)[method](path);
          return body ? r.send(body) : r;
        };
        const e = await send(expressApp);
        const d = await send(dispatchApp);
        assert.deepEqual({ status: d.status, body: d.body }, { status: e.status, body: e.body }, `${method} ${path}`);
      }
    });

    it('refuses a route path it cannot match segment by segment', () => {
      assert.throws(() => dispatch([{ method: 'get', path: '/v1/files/*path', handlers: [] }]), /not a plain path/);
    });
  });
});
