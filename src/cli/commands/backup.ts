import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Command } from 'commander';
import { integrityProblems } from '../../db/integrity.js';
import { knownMigrations } from '../../db/migrate.js';
import { checkWhosaidFile, sqliteFileOf } from '../database.js';
import { CliError } from '../errors.js';

const mb = (file: string) => `${(statSync(file).size / 1048576).toFixed(1)} MB`;
const sidecars = (file: string) => [`${file}-wal`, `${file}-shm`];

function removeWithSidecars(file: string): void {
  for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
}

function checkWritableTarget(file: string, force: boolean): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${file}: no folder ${dir} to write it in`);
  if (existsSync(file) && !force) throw new CliError(`${file} exists; give --force to replace it`);
}

/** Copies a live database with SQLite's online backup API: other connections keep reading and writing. */
async function copyDatabase(from: string, to: string): Promise<void> {
  const source = new BetterSqlite3(from, { fileMustExist: true, timeout: 5000 });
  try {
    // After the first step, the rest in one step: a write by another connection between steps restarts
    // the copy, and two steps leave almost no room for one.
    await source.backup(to, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) });
  } finally {
    source.close();
  }
}

/** Refuses a copy that SQLite or its full-text indexes find damaged; names the first problems. */
function checkCopy(file: string, shown: string): void {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const problems = integrityProblems(db);
    if (problems.length) throw new CliError(`${shown} fails its integrity check: ${problems.slice(0, 3).join('; ')}`);
  } finally {
    db.close();
  }
}

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .summary('copy the live database to a file and check the copy')
    .description(
      'Copy the database to a file while the service may be serving (SQLite online backup), then check the copy (integrity_check, full-text indexes)',
    )
    .argument('<file>', 'where to write the copy')
    .option('-f, --force', 'replace the file if it exists')
    .action(async (file: string, opts: { force?: boolean }, cmd: Command) => {
      const dbFile = sqliteFileOf(cmd, 'backup', 'pg_dump (or whosaid export)');
      checkWritableTarget(file, opts.force === true);
      checkWhosaidFile(dbFile);
      if (path.resolve(file) === path.resolve(dbFile)) throw new CliError(`${file} is the database itself`);
      const partial = `${file}.partial-${process.pid}`;
      try {
        await copyDatabase(dbFile, partial);
        checkCopy(partial, 'the copy');
        if (opts.force) removeWithSidecars(file);
        renameSync(partial, file);
      } finally {
        removeWithSidecars(partial);
      }
      console.log(`backup of ${dbFile} written to ${file} (${mb(file)}); integrity ok`);
    });

  program
    .command('restore')
    .summary('replace the database with a checked backup (service stopped)')
    .description(
      'Replace the database with a backup, after checking the backup is a whosaid database that passes its integrity check. ' +
        'Refuses while another process (the service) has the database open. The replaced database is kept beside it.',
    )
    .argument('<file>', 'a backup written by whosaid backup')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const dbFile = sqliteFileOf(cmd, 'restore', 'pg_restore (or whosaid import)');
      checkWhosaidFile(file);
      if (path.resolve(file) === path.resolve(dbFile)) throw new CliError(`${file} is the database itself`);
      checkCopy(file, file);
      const known = new Set(await knownMigrations());
      const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
      const unknown = (source.prepare('SELECT name FROM kysely_migration').pluck().all() as string[]).filter((n) => !known.has(n));
      source.close();
      if (unknown.length) throw new CliError(`${file} comes from a newer whosaid (migrations ${unknown.join(', ')}): upgrade first`);
      const dir = path.dirname(path.resolve(dbFile));
      if (!existsSync(dir)) throw new CliError(`${dbFile}: no folder ${dir}`);

      const partial = `${dbFile}.restoring-${process.pid}`;
      const lock = existsSync(dbFile) ? lockExclusively(dbFile) : null;
      let keptAs: string | null = null;
      try {
        await copyDatabase(file, partial);
        checkCopy(partial, 'the restored copy');
        if (lock) {
          keptAs = `${dbFile}.before-restore-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
          renameSync(dbFile, keptAs);
          lock.close(); // before the new file takes the name: closing must not touch it
          for (const f of sidecars(dbFile)) rmSync(f, { force: true });
        }
        renameSync(partial, dbFile);
      } finally {
        if (lock?.open) lock.close();
        removeWithSidecars(partial);
      }
      console.log(`restored ${file} to ${dbFile}${keptAs ? `; the database it replaced is kept as ${keptAs}` : ''}`);
    });
}

/**
 * Takes the database for this process alone, so nothing writes to it while it is replaced; fails when
 * another process has it open (the service, a backup), which is when replacing it is unsafe.
 */
function lockExclusively(file: string): BetterSqlite3.Database {
  checkWhosaidFile(file);
  const db = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)'); // everything in the main file before it is moved aside
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch {
    db.close();
    throw new CliError(`${file} is open in another process (is the service running? stop it first); nothing was changed`);
  }
}
