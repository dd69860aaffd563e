import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, FileMigrationProvider } from 'kysely';
import type { Kysely } from 'kysely';

const migrationFolder = fileURLToPath(new URL('../../migrations/', import.meta.url));

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations this build knows, as the kysely_migration table records them. */
export async function knownMigrations(): Promise<string[]> {
  const migrations = await new FileMigrationProvider({ fs, path, migrationFolder }).getMigrations();
  return Object.keys(migrations).sort();
}
