import express, { type Express } from 'express';
import { openTestDb } from './test-db.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { fallbackHandler, mountRoutes } from '../../src/http/mount.js';
import type { RouteDef } from '../../src/http/route.js';
import { createLogger } from '../../src/logging/logger.js';
import { buildOpenApi } from '../../src/openapi/openapi.js';
import { schemaRegistry } from './test-app.js';

/**
 * An app of the given routes only, mounted and documented as createApp does it (no keys: every route is
 * open), so a test can add a route that breaks its own declaration and watch the contract catch it.
 */
export async function appOf(routes: RouteDef[]): Promise<Express> {
  const registry = schemaRegistry();
  const app = express();
  app.locals.openapi = buildOpenApi(routes, registry.schemas, 'test');
  mountRoutes(app, routes, { db: await openTestDb(), registry, bodyLimit: 1024, authorize: () => () => {} });
  app.use(fallbackHandler(routes));
  app.use(errorHandler(createLogger({ level: 'silent' })));
  return app;
}
