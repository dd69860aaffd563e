import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createApp, type AppDeps, type Services } from '../../src/app.js';
import type { Role } from '../../src/shared/viewer.js';

const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];
import type { Db } from '../../src/db/database.js';
import { openMigrated } from '../../src/db/open.js';
import { createLogger, lineSink } from '../../src/logging/logger.js';
import type { RouteDef } from '../../src/http/route.js';
import { createSchemaRegistry, type SchemaRegistry } from '../../src/validation/ajv.js';
import type { Express } from 'express';
import type { Bundle } from '../../src/generated/schema-types.js';

// Compiling every schema takes a moment: once per test run is enough, the registry holds no state.
let registry: SchemaRegistry | undefined;
export const schemaRegistry = () => (registry ??= createSchemaRegistry());

export interface TestApp {
  app: Express;
  /** Bearer keys for each role; `http` sends the admin one unless a test sets another. */
  keys: Record<Role, string>;
  /** A client that sends no key. */
  anon: ReturnType<typeof request>;
  db: Db;
  services: Services;
  routes: RouteDef[];
  logs: string[];
  http: ReturnType<typeof request.agent>;
  as(role: Role): ReturnType<typeof request.agent>;
}

/** A fresh app over a fresh in-memory database. */
export async function makeTestApp(opts: { demo?: boolean; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const db = await openMigrated(':memory:');
  const logs: string[] = [];
  const { app, services, routes } = createApp({
    db,
    registry: schemaRegistry(),
    // Every line, at every level, so tests can read them all for leaks.
    logger: createLogger({ level: 'trace', destination: lineSink((line) => logs.push(line)) }),
    requestLog: true,
    ...opts.deps,
  });
  const keys = Object.fromEntries(ROLES.map((role) => [role, services.keys.create(`test ${role}`, role, null).secret])) as Record<
    Role,
    string
  >;
  const as = (role: Role) => request.agent(app).set('Authorization', `Bearer ${keys[role]}`);
  const t: TestApp = { app, db, services, routes, logs, keys, anon: request(app), http: as('admin'), as };
  if (opts.demo) await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
  return t;
}

/** The demo bundle, every list present (tests change items of it before posting). */
export function demoBundle(): Required<Bundle> {
  return JSON.parse(readFileSync(new URL('../../demo/crocus-city.bundle.json', import.meta.url), 'utf8'));
}

/** Every row of every table, to compare the database before and after a refused write. */
export function snapshot(db: Db): Record<string, unknown[]> {
  const tables = db.sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
    )
    .all() as Array<{ name: string }>;
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    if (/_(data|idx|content|docsize|config)$/.test(name) && name.includes('fts')) continue;
    out[name] = db.sqlite
      .prepare(`SELECT * FROM "${name}"`)
      .all()
      .map((r) => JSON.stringify(r))
      .sort();
  }
  return out;
}

/** Finds the demo record with a bundle key. */
export function demoId(db: Db, type: string, key: string): number {
  const row = db.sqlite
    .prepare(`SELECT record_id FROM bundle_keys WHERE namespace = 'demo.crocus-city-2024' AND record_type = ? AND key = ?`)
    .get(type, key) as { record_id: number } | undefined;
  if (!row) throw new Error(`no demo ${type} '${key}'`);
  return row.record_id;
}
