import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, StartupError } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import type { Db } from '../../db/db.js';
import { PostgresDb } from '../../db/postgres/postgres-db.js';
import { startServer, stopOnSignals } from '../../server.js';
import { CliError } from '../errors.js';
import { migrateToLatest } from '../../db/migrate.js';
import { loadDemo } from '../../demo/load-demo.js';
import { checkWhosaidFile, dbFileOf, isPostgresUrl, openForCommand } from '../database.js';
import { existsSync } from 'node:fs';

export function serverCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP service, as npm start does; configured by the environment (see the README), --db and --port')
    .addOption(new Option('-p, --port <port>', 'port to listen on (default: PORT or 3000)').argParser(portNumber))
    .action(async (opts: { port?: number }, cmd: Command) => {
      const target = dbFileOf(cmd);
      try {
        const database = isPostgresUrl(target) ? { databaseUrl: target } : { dbFile: target, databaseUrl: undefined };
        const config = { ...loadConfig(), ...database, ...(opts.port !== undefined ? { port: opts.port } : {}) };
        stopOnSignals(await startServer(config));
      } catch (err) {
        if (err instanceof StartupError) throw new CliError(err.message);
        throw err;
      }
    });

  program
    .command('migrate')
    .description('Create the database if needed and apply pending migrations (serve also does)')
    .action(async (_opts: unknown, cmd: Command) => {
      const target = dbFileOf(cmd);
      let db: Db;
      if (isPostgresUrl(target)) db = new PostgresDb(target, { size: 1 });
      else {
        if (existsSync(target)) checkWhosaidFile(target);
        else mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
        db = openDatabase(target);
      }
      try {
        const applied = await migrateToLatest(db.kysely).catch((err: Error) => {
          throw new CliError(err.message);
        });
        const names = (await db.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).map((r) => r.name);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : `up to date: ${names.length} migrations, the last ${names.at(-1)}`);
      } finally {
        await db.close();
      }
    });

  program
    .command('demo')
    .description('Load the demo story (the Crocus City article) through the bundle path; running it again changes nothing')
    .action(async (_opts: unknown, cmd: Command) => {
      const { db, services, registry } = await openForCommand(dbFileOf(cmd), 'write');
      try {
        const result = await loadDemo(db, services, registry);
        console.log(`demo story: ${result.created} created, ${result.updated} updated, ${result.existing} already there`);
      } finally {
        await db.close();
      }
    });
}

function portNumber(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new InvalidArgumentError(`a port is a number from 0 to 65535, not "${raw}"`);
  return n;
}
