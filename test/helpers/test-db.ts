// A fresh database per test, of the dialect under test. With WHOSAID_TEST_DATABASE_URL (npm run test:pg
// sets it to a throwaway cluster, scripts/pg-cluster.mjs) each test gets its own PostgreSQL database,
// copied from a template migrated once per run, and dropped after the test. Without it, nothing here
// connects anywhere. Mocha root hooks (.mocharc.json "require") close and drop what a test opened.
import pg from 'pg';
import type { Dialect } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/postgres/open.js';
import { PostgresDb } from '../../src/db/postgres/postgres-db.js';

const clusterUrl = process.env.WHOSAID_TEST_DATABASE_URL || undefined;

/** The dialect this run tests: PostgreSQL under npm run test:pg, else SQLite. */
export const testDialect: Dialect = clusterUrl ? 'postgres' : 'sqlite';

/** Connections each test's database pool may open. */
const POOL_SIZE = 10;

let admin: pg.Client | undefined;
let template: Promise<string> | undefined;
let made = 0;
const toDrop: string[] = [];
const toClose: Array<{ close(): Promise<void> }> = [];

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

/** Runs SQL on the cluster's maintenance database (CREATE/DROP DATABASE cannot run in a pool's transaction). */
async function adminQuery(sql: string): Promise<void> {
  if (!admin) {
    admin = new pg.Client({ connectionString: requireCluster(), application_name: 'whosaid tests' });
    await admin.connect();
  }
  await admin.query(sql);
}

const newName = (what: string) => `whosaid_${process.pid}_${what}_${++made}`;

/** A new, empty PostgreSQL database (no migration), dropped after the current test; its URL. */
export async function emptyPostgresDatabase(): Promise<string> {
  const name = newName('empty');
  await adminQuery(`CREATE DATABASE ${name}`);
  toDrop.push(name);
  return databaseUrl(name);
}

/** A new PostgreSQL database with every migration applied, dropped after the current test; its URL. */
export async function migratedPostgresDatabase(): Promise<string> {
  const from = await (template ??= makeTemplate());
  const name = newName('test');
  // A file copy of a small template is the fastest way to a migrated database (measured against WAL_LOG
  // and against migrating each database).
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${from} STRATEGY FILE_COPY`);
  toDrop.push(name);
  return databaseUrl(name);
}

async function makeTemplate(): Promise<string> {
  const name = `whosaid_${process.pid}_template`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const db = await openPostgres(databaseUrl(name), { size: 1 });
  await db.close();
  return name;
}

/** A PostgresDb on a fresh migrated database, closed and dropped after the current test. */
export async function openTestPostgres(): Promise<PostgresDb> {
  return closeAfterTest(new PostgresDb(await migratedPostgresDatabase(), { size: POOL_SIZE }));
}

/** Closes `db` after the current test (before its database is dropped). */
export function closeAfterTest<T extends { close(): Promise<void> }>(db: T): T {
  toClose.push(db);
  return db;
}

async function cleanUp(): Promise<void> {
  const closing = toClose.splice(0);
  await Promise.all(closing.map((db) => db.close().catch(() => {})));
  // FORCE: a connection a test left open (a server it started) must not keep its database alive.
  for (const name of toDrop.splice(0)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export const mochaHooks = {
  async afterEach() {
    if (clusterUrl) await cleanUp();
  },
  async afterAll() {
    if (!clusterUrl) return;
    await cleanUp();
    if (template) await adminQuery(`DROP DATABASE IF EXISTS ${await template} WITH (FORCE)`).catch(() => {});
    await admin?.end();
    admin = undefined;
  },
};
