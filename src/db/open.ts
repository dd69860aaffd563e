import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openDatabase, type SqliteDb } from './database.js';
import type { Db } from './db.js';
import { migrateToLatest } from './migrate.js';
import { openPostgres } from './postgres/open.js';

/** Opens (creating its folder) and migrates an SQLite database file. */
export async function openMigrated(file: string): Promise<SqliteDb> {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = openDatabase(file);
  await migrateToLatest(db.kysely);
  return db;
}

export type DatabaseSettings = Pick<Config, 'dbFile' | 'databaseUrl' | 'databasePool'>;

/** The database the settings name, migrated: PostgreSQL when WHOSAID_DATABASE_URL is set, else the SQLite file. */
export function openDb(settings: DatabaseSettings): Promise<Db> {
  if (settings.databaseUrl) return openPostgres(settings.databaseUrl, { size: settings.databasePool });
  return openMigrated(settings.dbFile);
}

/** Where the database is, for a log line: the file, or the server and database (never the user or password). */
export function databaseLabel(settings: DatabaseSettings): string {
  if (!settings.databaseUrl) return settings.dbFile;
  const url = new URL(settings.databaseUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}
