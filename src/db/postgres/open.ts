import { migrateToLatest } from '../migrate.js';
import type { PoolOptions } from './pool.js';
import { PostgresDb } from './postgres-db.js';

/** Connects to the PostgreSQL database at `url` and migrates it. */
export async function openPostgres(url: string, options: PoolOptions): Promise<PostgresDb> {
  const db = new PostgresDb(url, options);
  try {
    await migrateToLatest(db.kysely);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
