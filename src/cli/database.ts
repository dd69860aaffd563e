import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { Command } from 'commander';
import { createServices, type Services } from '../app.js';
import { loadConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { openMigrated } from '../db/open.js';
import { openPostgres } from '../db/postgres/open.js';
import { createSchemaRegistry, type SchemaRegistry } from '../validation/ajv.js';
import { CliError } from './errors.js';

/**
 * The database a command works on, an SQLite file or a postgres:// URL: --db, else WHOSAID_DATABASE_URL,
 * else WHOSAID_DB, else the server's default file.
 */
export function dbFileOf(cmd: Command): string {
  const given = cmd.optsWithGlobals().db as string | undefined;
  if (given) return given;
  try {
    const config = loadConfig();
    return config.databaseUrl ?? config.dbFile;
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Whether the database a command was given is a PostgreSQL server's rather than an SQLite file. */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//.test(target);

/** The SQLite file a command that copies files works on; PostgreSQL has its own tools for that. */
export function sqliteFileOf(cmd: Command, command: string, instead: string): string {
  const target = dbFileOf(cmd);
  if (isPostgresUrl(target)) throw new CliError(`${command} copies an SQLite database file; on PostgreSQL use ${instead}`);
  return target;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Refuses anything but an SQLite file holding a whosaid database, before anything opens it for writing. */
export function checkWhosaidFile(file: string): void {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new CliError(`${file}: not a file`);
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(16);
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) throw new CliError(`${file}: not an SQLite database`);
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('kysely_migration', 'actors', 'changes')`)
      .all();
    if (tables.length < 3) throw new CliError(`${file}: an SQLite database, but not a whosaid one`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${file}: cannot be read as a database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

export interface Opened {
  db: Db;
  registry: SchemaRegistry;
  services: Services;
}

/**
 * Opens (and migrates) the database. A command that only reads refuses a file that is not there rather
 * than creating an empty database; one that writes creates it.
 */
export async function openForCommand(file: string, mode: 'read' | 'write'): Promise<Opened> {
  if (isPostgresUrl(file)) return withServices(await openPostgresForCommand(file));
  if (file !== ':memory:') {
    if (existsSync(file)) checkWhosaidFile(file);
    else if (mode === 'read') throw new CliError(`${file}: no database there (give --db <file> or set WHOSAID_DB)`);
  }
  return withServices(await openMigrated(file));
}

function withServices(db: Db): Opened {
  const registry = createSchemaRegistry();
  return { db, registry, services: createServices(db, registry) };
}

/** A PostgreSQL database, migrated; a server that cannot be reached is one line, not a stack trace. */
export async function openPostgresForCommand(url: string): Promise<Db> {
  try {
    return await openPostgres(url, { size: 2 });
  } catch (err) {
    throw new CliError(`the PostgreSQL database cannot be opened: ${(err as Error).message}`);
  }
}
