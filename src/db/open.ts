import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from './database.js';
import { migrateToLatest } from './migrate.js';

/** Opens (creating its folder) and migrates the database. */
export async function openMigrated(file: string): Promise<Db> {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = openDatabase(file);
  await migrateToLatest(db.kysely);
  return db;
}
