import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openMigrated } from '../../db/open.js';
import { openPostgres } from '../../db/postgres/open.js';
import { LogSigner } from '../../log/checkpoint.js';
import { MoveError, moveDatabase } from '../../transfer/copy-database.js';
import { checkWhosaidFile, dbFileOf } from '../database.js';
import { CliError } from '../errors.js';
import { progress, type Progress } from '../progress.js';

/** The URL as it may be shown: without its password. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function postgresUrl(raw: string | undefined): string {
  if (!raw) throw new CliError('give the PostgreSQL database to move into: --to postgres://user:password@host:port/database', 2);
  if (!URL.canParse(raw) || !/^postgres(ql)?:$/.test(new URL(raw).protocol))
    throw new CliError(`--to must be a postgres:// URL (postgres://user:password@host:port/database), not "${raw}"`, 2);
  return raw;
}

export function moveCommands(program: Command): void {
  program
    .command('migrate-to-postgres')
    .summary('move the SQLite database, history included, into an empty PostgreSQL database')
    .description(
      'Copy everything in the SQLite database (--db, WHOSAID_DB) into an empty PostgreSQL database as it is stored: records with ' +
        'their ids, bundle keys, API keys, and the whole change history with its hashes, commitments and Merkle tree. One transaction: ' +
        'the PostgreSQL history is verified against the SQLite log before it commits, and nothing is kept unless it verifies. ' +
        'Stop the service first: the SQLite database is held (no writes) until the move ends.',
    )
    .option('--to <url>', 'the PostgreSQL database, postgres://user:password@host:port/database (default: WHOSAID_DATABASE_URL)')
    .action(async (opts: { to?: string }, cmd: Command) => {
      const dbFile = dbFileOf(cmd);
      const url = postgresUrl(opts.to ?? process.env.WHOSAID_DATABASE_URL);
      checkWhosaidFile(dbFile);
      const shown = shownUrl(url);

      const source = await openMigrated(dbFile);
      let bar: Progress | undefined;
      try {
        const target = await openPostgres(url, { size: 2 }).catch((err: Error) => {
          throw new CliError(`cannot open ${shown}: ${err.message}`);
        });
        const result = await moveDatabase(source, target, (done, total, note) => {
          bar ??= progress('move', total);
          bar.update(done, note);
        })
          .catch((err: unknown) => {
            if (err instanceof MoveError) throw new CliError(`${err.message}; ${shown} was left as it was`);
            if ((err as { code?: string }).code === 'SQLITE_BUSY')
              throw new CliError(
                `${dbFile} is being written by another process (is the service running? stop it first); nothing was moved`,
              );
            throw err;
          })
          .finally(() => target.close());
        bar?.finish(`${result.rows} rows`);
        const v = result.verification;
        console.log(`moved ${dbFile} into ${shown}: ${result.rows} rows of ${result.tables.filter((t) => t.rows).length} tables`);
        console.log(
          `history verified on PostgreSQL: ${v.checked} changes, tree of ${v.treeSize}, root ${v.rootHash} (the same as SQLite's)`,
        );
        for (const line of keyAdvice(dbFile, shown)) console.log(line);
      } finally {
        await source.close();
      }
    });
}

/**
 * The log's signing key is a file beside the database, never in it, so a move does not carry it: the
 * service on PostgreSQL must be pointed at the same file (and origin) for its checkpoints to be signed by
 * the same key, which is what lets checkpoints saved before the move be checked against the moved log.
 */
function keyAdvice(dbFile: string, shown: string): string[] {
  const config = loadConfig({ ...process.env, WHOSAID_DB: dbFile });
  const file = path.resolve(config.logKeyFile);
  if (!existsSync(file))
    return [
      `no log signing key at ${file}: no service signed checkpoints of this database there. If its key is elsewhere, ` +
        'start the service on PostgreSQL with WHOSAID_LOG_KEY set to it.',
    ];
  const signer = LogSigner.fromFile(file, config.logOrigin);
  return [
    'the log signing key is a file, not in the database, and was not copied. Start the service on PostgreSQL with',
    `  WHOSAID_DATABASE_URL=${shown} WHOSAID_LOG_KEY=${file} WHOSAID_LOG_ORIGIN=${config.logOrigin}`,
    `so that it signs with the same key (verifier key ${signer.verifierKey}) and checkpoints saved before the move verify.`,
  ];
}
