import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyReport } from '../../audits/audit-service.js';
import { createSchemaRegistry } from '../../validation/ajv.js';
import { historyLines } from '../../changes/verify-report-lines.js';
import { loadConfig } from '../../config.js';
import { CheckpointError, LogSigner, openCheckpoint } from '../../log/checkpoint.js';
import { dbFileOf, isPostgresUrl, openForCommand } from '../database.js';
import { CliError } from '../errors.js';

/** A checkpoint saved earlier (GET /v1/log/checkpoint), opened with the log's verifier key; exit 2 when unusable. */
function savedCheckpoint(file: string, key: string | undefined, dbFile: string) {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`, 2);
  // The log key file sits beside an SQLite file by default; with PostgreSQL, where the server's settings put it.
  const config = loadConfig(isPostgresUrl(dbFile) ? process.env : { ...process.env, WHOSAID_DB: dbFile });
  const verifierKey =
    key ?? (existsSync(config.logKeyFile) ? LogSigner.fromFile(config.logKeyFile, config.logOrigin).verifierKey : undefined);
  if (!verifierKey) throw new CliError('no verifier key: pass --key (GET /v1/log/key) or set WHOSAID_LOG_KEY to the log key file', 2);
  try {
    return openCheckpoint(readFileSync(file, 'utf8'), verifierKey);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CliError(`${file}: not a checkpoint of this log: ${err.message}`, 2);
    throw err;
  }
}

export function verifyCommands(program: Command): void {
  program
    .command('verify')
    .description(
      "Check the database's history (hash chain, leaves, Merkle tree, every record against its history) and, with " +
        '--checkpoint, that the log is an append-only extension of a checkpoint saved earlier. Exit 0 intact, 1 not, 2 unusable checkpoint.',
    )
    .option('--checkpoint <file>', 'a checkpoint saved earlier from GET /v1/log/checkpoint')
    .option('--key <verifier key>', "the log's verifier key (default: from the log key file, WHOSAID_LOG_KEY)")
    .action(async (opts: { checkpoint?: string; key?: string }, cmd: Command) => {
      const dbFile = dbFileOf(cmd);
      const saved = opts.checkpoint ? savedCheckpoint(opts.checkpoint, opts.key, dbFile) : undefined;
      const { db, services } = await openForCommand(dbFile, 'read');
      try {
        const { ok, lines } = historyLines(await services.changes.verify(saved));
        for (const line of lines) (ok ? console.log : console.error)(line);
        if (!ok) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });

  program
    .command('verify-report')
    .description('Tell whether a saved audit report is intact: its SHA-256 digest matches its canonical content (exit 0 intact, 1 not)')
    .argument('<report>', 'an audit report saved as JSON')
    .action((file: string) => {
      let report: unknown;
      try {
        report = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CliError(`${file}: not intact: it cannot be read as JSON (${(err as Error).message})`, 2);
      }
      if (!report || typeof report !== 'object' || Array.isArray(report))
        throw new CliError(`${file}: not intact: it is not a report object`);
      const result = verifyReport(report as Record<string, unknown>, createSchemaRegistry().validator('audit-report'));
      console.log(`${file}: ${result.intact ? 'intact' : 'NOT intact'}. ${result.reason}`);
      console.log(`  expected ${result.algorithm} ${result.expected ?? '(none)'}`);
      console.log(`  actual   ${result.algorithm} ${result.actual}`);
      if (!result.intact) process.exitCode = 1;
    });
}
