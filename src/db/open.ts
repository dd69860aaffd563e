import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type SqliteDb } from './database.js';
import { migrateToLatest } from './migrate.js';

/** Opens (creating its folder) and migrates the database: the SQLite file, the one kind there is so far. */
export async function openMigrated(file: string): Promise<SqliteDb> {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = openDatabase(file);
  await migrateToLatest(db.kysely);
  return db;
}
