import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createApp, type AppDeps, type Services } from '../../src/app.js';
import type { Role } from '../../src/shared/viewer.js';

const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];
import type { Db } from '../../src/db/database.js';
import { openTestDb } from './test-db.js';
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
  const db = await openTestDb();
  const logs: string[] = [];
  const { app, services, routes } = createApp({
    db,
    registry: schemaRegistry(),
    // Every line, at every level, so tests can read them all for leaks.
    logger: createLogger({ level: 'trace', destination: lineSink((line) => logs.push(line)) }),
    requestLog: true,
    ...opts.deps,
  });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await services.keys.create(`test ${role}`, role, null)).secret;
  const as = (role: Role) => request.agent(app).set('Authorization', `Bearer ${keys[role]}`);
  const t: TestApp = { app, db, services, routes, logs, keys, anon: request(app), http: as('admin'), as };
  if (opts.demo) await t.http.post('/v1/bundles').send(demoBundle()).expect(201);
  return t;
}

/** The demo bundle, every list present (tests change items of it before posting). */
export function demoBundle(): Required<Bundle> {
  return JSON.parse(readFileSync(new URL('../../demo/crocus-city.bundle.json', import.meta.url), 'utf8'));
}

/** The tables whose rows `snapshot` compares: every table of the schema but the migrator's and full-text indexes' own. */
async function dataTables(db: Db): Promise<string[]> {
  if (db.dialect === 'postgres') {
    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely\\_%' ORDER BY table_name`,
    );
    return tables.map((t) => t.name);
  }
  const rows = await db.query<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
  );
  return rows.map((r) => r.name).filter((name) => !(/_(data|idx|content|docsize|config)$/.test(name) && name.includes('fts')));
}

/** Every row of every table, to compare the database before and after a refused write. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of await dataTables(db)) {
    out[name] = (await db.query(`SELECT * FROM "${name}"`)).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** Finds the demo record with a bundle key. */
export async function demoId(db: Db, type: string, key: string): Promise<number> {
  const row = await db.queryFirst<{ record_id: number }>(
    `SELECT record_id FROM bundle_keys WHERE namespace = 'demo.crocus-city-2024' AND record_type = ? AND key = ?`,
    [type, key],
  );
  if (!row) throw new Error(`no demo ${type} '${key}'`);
  return row.record_id;
}

/** Every demo record's id by `type:key`, read at once (for tests that look many up in synchronous callbacks). */
export async function demoIds(db: Db): Promise<(type: string, key: string) => number> {
  const rows = await db.query<{ record_type: string; key: string; record_id: number }>(
    `SELECT record_type, key, record_id FROM bundle_keys WHERE namespace = 'demo.crocus-city-2024'`,
  );
  const ids = new Map(rows.map((r) => [`${r.record_type}:${r.key}`, r.record_id]));
  return (type, key) => {
    const id = ids.get(`${type}:${key}`);
    if (id === undefined) throw new Error(`no demo ${type} '${key}'`);
    return id;
  };
}
