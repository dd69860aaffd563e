import { Command, CommanderError } from 'commander';
import { VERSION } from '../app.js';
import { backupCommands } from './commands/backup.js';
import { keyCommands } from './commands/keys.js';
import { moveCommands } from './commands/migrate-to-postgres.js';
import { searchIndexCommands } from './commands/search-index.js';
import { serverCommands } from './commands/server.js';
import { transferCommands } from './commands/transfer.js';
import { verifyCommands } from './commands/verify.js';
import { CliError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('whosaid')
    .description('whosaid: who said what, and how it reached the page. Runs the service and looks after its database.')
    .version(VERSION)
    .option(
      '--db <file|url>',
      'the database: an SQLite file or a postgres:// URL (default: WHOSAID_DATABASE_URL, else WHOSAID_DB, else ./data/whosaid.db)',
    )
    .showSuggestionAfterError(true)
    .exitOverride();
  serverCommands(program);
  keyCommands(program);
  transferCommands(program);
  backupCommands(program);
  moveCommands(program);
  verifyCommands(program);
  searchIndexCommands(program);
  // Every subcommand reports its usage errors the same way: one line, then the exit code below.
  const quiet = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ outputError: (text, write) => write(text.trimEnd().split('\n')[0] + '\n') });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

/** Runs the command line; resolves to the exit code. Bad input: one line on stderr, non-zero. */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander has printed its line (or the help)
    if (err instanceof CliError) {
      process.stderr.write(`whosaid: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`whosaid: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
