// A fresh database per test, of the dialect under test. With WHOSAID_TEST_DATABASE_URL (npm run test:pg
// sets it to a throwaway cluster, scripts/pg-cluster.mjs) each test gets a PostgreSQL database of its own;
// without it, nothing here connects anywhere. Mocha root hooks (.mocharc.json "require") clean up.
//
// Copying a migrated template per test (CREATE DATABASE … TEMPLATE) costs hundreds of milliseconds (the
// copy forces a checkpoint), so databases are kept between tests and put back as they were instead: the
// rows the migrations wrote are restored, every other row deleted, every sequence reset, with triggers off.
// A database whose schema the test changed (its catalog rows differ from the template's), or that a test
// left a connection open on, is never lent again: the next test gets a new copy.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db, Dialect } from '../../src/db/db.js';
import { openMigrated } from '../../src/db/open.js';
import { openPostgres } from '../../src/db/postgres/open.js';
import { PostgresDb } from '../../src/db/postgres/postgres-db.js';
import { fingerprint, keepSeedRows } from './pg-reset.js';

const clusterUrl = process.env.WHOSAID_TEST_DATABASE_URL || undefined;

/** The dialect this run tests: PostgreSQL under npm run test:pg, else SQLite. */
export const testDialect: Dialect = clusterUrl ? 'postgres' : 'sqlite';

/** Connections each test's database pool may open. */
const POOL_SIZE = 10;
type Kind = 'migrated' | 'empty';

/** A database kept between tests, with the connection that puts it back. */
interface Kept {
  name: string;
  client: pg.Client;
}

/** The migrated template: its name, how to reset a copy, and its catalog's fingerprint. */
interface Template {
  name: string;
  reset: string;
  fingerprint: string;
}

interface State {
  admin?: pg.Client;
  template?: Promise<Template>;
  made: number;
  kept: Record<Kind, Kept[]>;
  lent: Array<{ kind: Kind; db: Kept }>;
  toClose: Array<{ close(): Promise<void> }>;
  /** What a suite's `before` hook opened: kept for the suite's tests, put back when another file's tests run. */
  suites: Array<{ suite: Mocha.Suite; lent: State['lent']; toClose: State['toClose'] }>;
  /** The database each PostgresDb of openTestPostgres is on, for closeTestDb. */
  databaseOf: WeakMap<object, string>;
}

// Mocha loads this file twice: required for its hooks (.mocharc.json), imported by the tests. Both copies
// share one state, so the hooks put back what the tests were lent.
const state: State = ((globalThis as { whosaidTestDb?: State }).whosaidTestDb ??= {
  made: 0,
  kept: { migrated: [], empty: [] },
  lent: [],
  toClose: [],
  suites: [],
  databaseOf: new WeakMap(),
});
const { kept, lent, toClose } = state;

function requireCluster(): string {
  if (!clusterUrl) throw new Error('WHOSAID_TEST_DATABASE_URL is not set: run this through npm run test:pg');
  return clusterUrl;
}

/** The URL of database `name` on the test cluster. */
export function databaseUrl(name: string): string {
  const url = new URL(requireCluster());
  url.pathname = `/${name}`;
  return url.toString();
}

async function connect(name?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: name ? databaseUrl(name) : requireCluster(), application_name: 'whosaid tests' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** SQL on the cluster's maintenance database (CREATE and DROP DATABASE). */
async function adminQuery(sql: string): Promise<void> {
  state.admin ??= await connect();
  await state.admin.query(sql);
}

// Unique to this run, should another run share the cluster.
const run = `${process.pid}_${randomBytes(3).toString('hex')}`;
const newName = (what: string) => `whosaid_${run}_${what}_${++state.made}`;

/** A new, empty PostgreSQL database (no migration), emptied after the current test; its URL. */
export async function emptyPostgresDatabase(): Promise<string> {
  return databaseUrl(await lend('empty'));
}

/** A PostgreSQL database with every migration applied, as the migrations left it; its URL. */
export async function migratedPostgresDatabase(): Promise<string> {
  return databaseUrl(await lend('migrated'));
}

/** A PostgresDb on a fresh migrated database, closed after the current test. */
export async function openTestPostgres(): Promise<PostgresDb> {
  const name = await lend('migrated');
  const db = new PostgresDb(databaseUrl(name), { size: POOL_SIZE });
  state.databaseOf.set(db, name);
  return closeAfterTest(db);
}

/** A fresh migrated database of the dialect under test: in-memory SQLite, or a PostgreSQL one lent for the test. */
export function openTestDb(): Promise<Db> {
  return clusterUrl ? openTestPostgres() : openMigrated(':memory:');
}

/** Closes `db` after the current test (before its database is put back). */
export function closeAfterTest<T extends { close(): Promise<void> }>(db: T): T {
  toClose.push(db);
  return db;
}

/**
 * Closes a database of openTestDb before the test ends, and puts a PostgreSQL one back at once: a test that
 * opens one fresh database after another (a new app per case) then reuses one rather than creating dozens.
 */
export async function closeTestDb(db: Db): Promise<void> {
  const open = toClose.indexOf(db);
  if (open >= 0) toClose.splice(open, 1);
  await db.close();
  const name = state.databaseOf.get(db);
  const i = lent.findIndex((l) => l.db.name === name);
  if (i >= 0) {
    const [{ kind, db: kept }] = lent.splice(i, 1);
    await putBack(kind, kept);
  }
}

async function lend(kind: Kind): Promise<string> {
  let db = kept[kind].pop();
  if (!db) {
    const name = newName(kind);
    if (kind === 'migrated')
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${(await (state.template ??= makeTemplate())).name} STRATEGY FILE_COPY`);
    else await adminQuery(`CREATE DATABASE ${name}`);
    db = { name, client: await connect(name) };
  }
  lent.push({ kind, db });
  return db.name;
}

async function makeTemplate(): Promise<Template> {
  const name = `whosaid_${run}_template`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name}`);
  await (await openPostgres(databaseUrl(name), { size: 1 })).close();
  const client = await connect(name);
  try {
    const reset = await keepSeedRows(client);
    return { name, reset, fingerprint: await fingerprint(client) };
  } finally {
    await client.end();
  }
}

/** Whether every connection but ours has left the database, waiting a moment for those still closing. */
async function alone(db: Kept): Promise<boolean> {
  for (let waited = 0; waited < 2000; waited += 10) {
    const { rows } = await db.client.query('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    if (!rows.length) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/**
 * Puts a database a test used back as it was lent. One still in use (the test left a connection open)
 * or whose schema the test changed is given up: never lent again, left for the cluster's end (ending
 * someone else's connection would fail their client in the next test).
 */
async function putBack(kind: Kind, db: Kept): Promise<void> {
  try {
    if (!(await alone(db))) throw new Error('still in use');
    if (kind === 'migrated') {
      const { reset, fingerprint: expected } = await state.template!;
      if ((await fingerprint(db.client)) !== expected) throw new Error('schema changed');
      await db.client.query(reset);
    } else {
      await db.client.query(`DO $$ DECLARE s text; BEGIN
        FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
          EXECUTE format('DROP SCHEMA %I CASCADE', s);
        END LOOP;
        CREATE SCHEMA public; END $$`);
    }
    kept[kind].push(db);
  } catch {
    await db.client.end().catch(() => {});
  }
}

async function cleanUp(): Promise<void> {
  await Promise.all(toClose.splice(0).map((db) => db.close().catch(() => {})));
  for (const { kind, db } of lent.splice(0)) await putBack(kind, db);
}

/** The outermost suite a test belongs to (one per test file, as the files are written). */
function topSuite(test: Mocha.Runnable | undefined): Mocha.Suite | undefined {
  let suite = test?.parent;
  while (suite?.parent && !suite.parent.root) suite = suite.parent;
  return suite;
}

/**
 * Before each test: what is open now was opened by a `before` hook (a test's own databases were put back
 * after it), so it belongs to the test's file and lives until a test of another file starts.
 */
async function adoptSuiteDatabases(test: Mocha.Runnable | undefined): Promise<void> {
  const top = topSuite(test);
  const fresh = { lent: lent.splice(0), toClose: toClose.splice(0) };
  for (const owned of state.suites.filter((o) => o.suite !== top)) {
    state.suites.splice(state.suites.indexOf(owned), 1);
    toClose.push(...owned.toClose);
    lent.push(...owned.lent);
  }
  await cleanUp();
  if (top && (fresh.lent.length || fresh.toClose.length)) state.suites.push({ suite: top, ...fresh });
}

/** Drops the databases kept (nobody else uses them) and the template: the cluster may outlive this run. */
async function dropAll(): Promise<void> {
  for (const db of [...kept.migrated.splice(0), ...kept.empty.splice(0)]) {
    await db.client.end().catch(() => {});
    await adminQuery(`DROP DATABASE IF EXISTS ${db.name}`);
  }
  if (state.template) await adminQuery(`DROP DATABASE IF EXISTS ${(await state.template).name}`);
}

export const mochaHooks = {
  async beforeEach(this: Mocha.Context) {
    if (clusterUrl) await adoptSuiteDatabases(this.currentTest);
  },
  async afterEach() {
    if (clusterUrl) await cleanUp();
  },
  async afterAll() {
    if (!clusterUrl) return;
    for (const owned of state.suites.splice(0)) {
      toClose.push(...owned.toClose);
      lent.push(...owned.lent);
    }
    await cleanUp();
    await dropAll().catch(() => {});
    await state.admin?.end();
    state.admin = undefined;
  },
};
