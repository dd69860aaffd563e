import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { BundleRepository } from '../../bundles/bundle-repository.js';
import type { Bundle } from '../../generated/schema-types.js';
import { exportBundles, exportNamespace, type ExportTally } from '../../transfer/export-bundles.js';
import { checkBundle, ImportError, importBundle } from '../../transfer/import-bundles.js';
import { TransferRepository } from '../../transfer/transfer-repository.js';
import { createSchemaRegistry } from '../../validation/ajv.js';
import { dbFileOf, openForCommand } from '../database.js';
import { CliError } from '../errors.js';
import { progress } from '../progress.js';

export function transferCommands(program: Command): void {
  program
    .command('import')
    .summary('write bundles (JSON or NDJSON) into the database; idempotent and resumable')
    .description(
      'Write bundles into the database: a bundle JSON file, or NDJSON (one bundle a line, e.g. an export), or - for stdin. ' +
        'Every bundle is checked before anything is written; each line is then applied in its own transaction. ' +
        'Running it again skips what is already in, so an interrupted import is finished by running it again.',
    )
    .argument('<file>', 'bundle JSON or NDJSON file, or - for stdin')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const dbFile = dbFileOf(cmd);
      const spool = file === '-' ? await spoolStdin() : null;
      try {
        await importFile(spool?.file ?? file, file === '-' ? 'stdin' : file, dbFile);
      } finally {
        if (spool) rmSync(spool.dir, { recursive: true, force: true });
      }
    });

  program
    .command('export')
    .summary('write the whole database as NDJSON bundles')
    .description(
      'Write the whole database as NDJSON bundles (confidential fields included), streamed, from one consistent moment. ' +
        '`whosaid import` of it into an empty database gives the same records, under the same ids unless some were deleted ' +
        '(then renumbered densely), with a history of its own; `migrate-to-postgres` moves a database exactly, history included.',
    )
    .option('-o, --out <file>', 'write to this file (written whole or not at all) instead of stdout')
    .action(async (opts: { out?: string }, cmd: Command) => {
      const dbFile = dbFileOf(cmd);
      if (opts.out) {
        const dir = path.dirname(path.resolve(opts.out));
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${opts.out}: no folder ${dir} to write it in`);
      }
      const { db } = await openForCommand(dbFile, 'read');
      const partial = opts.out ? `${opts.out}.partial-${process.pid}` : null;
      const out = partial ? createWriteStream(partial) : process.stdout;
      // A reader that stops early (export | head) ends the export, as it would any Unix filter.
      if (!partial) process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
      const repo = new TransferRepository(db);
      const tally: ExportTally = { records: 0, skippedOrphanedTags: 0 };
      let bundles = 0;
      try {
        repo.beginRead();
        const namespace = await exportNamespace(repo);
        for await (const bundle of exportBundles(repo, namespace, tally)) {
          bundles++;
          if (!out.write(`${JSON.stringify(bundle)}\n`)) await once(out, 'drain');
        }
        repo.endRead();
        if (partial) {
          out.end();
          await once(out, 'finish');
          renameSync(partial, opts.out!);
        }
        process.stderr.write(
          `exported ${tally.records} items in ${bundles} bundles (namespace ${namespace})${opts.out ? ` to ${opts.out}` : ''}\n`,
        );
        if (tally.skippedOrphanedTags)
          process.stderr.write(
            `note: ${tally.skippedOrphanedTags} orphaned tags (their text is gone from the document) have no span to export\n`,
          );
      } catch (err) {
        if (partial) {
          out.destroy();
          rmSync(partial, { force: true });
        }
        throw err;
      } finally {
        repo.endRead();
        await db.close();
      }
    });
}

async function spoolStdin(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-import-'));
  const file = path.join(dir, 'stdin.ndjson');
  await pipeline(process.stdin, createWriteStream(file));
  return { dir, file };
}

interface Line {
  n: number;
  bytes: number;
  bundle: Bundle;
}

/** Bundles of the file with their line numbers: NDJSON line by line, or one JSON document. */
async function* readBundles(file: string, shown: string, check: (v: unknown) => Bundle): AsyncGenerator<Line> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let bytes = 0;
  for await (const text of lines) {
    n++;
    bytes += Buffer.byteLength(text) + 1;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (n === 1) {
        lines.close();
        yield* readWhole(file, shown, check);
        return;
      }
      throw new CliError(`${shown} line ${n}: not JSON (${(err as Error).message})`);
    }
    try {
      yield { n, bytes, bundle: check(value) };
    } catch (err) {
      if (err instanceof ImportError) throw new CliError(`${shown} line ${n}: ${err.message}`);
      throw err;
    }
  }
  if (n === 0) throw new CliError(`${shown}: empty, no bundle in it`);
}

async function* readWhole(file: string, shown: string, check: (v: unknown) => Bundle): AsyncGenerator<Line> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${shown}: neither a bundle JSON nor NDJSON of bundles (${(err as Error).message})`);
  }
  try {
    yield { n: 1, bytes: Buffer.byteLength(text), bundle: check(value) };
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(`${shown}: ${err.message}`);
    throw err;
  }
}

async function importFile(file: string, shown: string, dbFile: string): Promise<void> {
  if (!existsSync(file)) throw new CliError(`${shown}: no such file`);
  if (!statSync(file).isFile()) throw new CliError(`${shown}: not a file`);
  const validate = createSchemaRegistry().validator('bundle');
  const check = (v: unknown) => checkBundle(v, validate);

  // First every bundle is read and checked against the schema: a bad line is reported before anything is written.
  let count = 0;
  for await (const _ of readBundles(file, shown, check)) count++;

  const { db, services } = await openForCommand(dbFile, 'write');
  const keys = new BundleRepository(db);
  const total = statSync(file).size;
  const bar = progress('import', total);
  const sum = { created: 0, updated: 0, existing: 0 };
  let done = 0;
  try {
    for await (const { n, bytes, bundle } of readBundles(file, shown, check)) {
      try {
        const result = await importBundle(db, services.bundles, keys, bundle);
        sum.created += result.created;
        sum.updated += result.updated;
        sum.existing += result.existing;
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        const before = done ? ` The ${done} bundles before it are in; fix it and run the import again (what is in is skipped).` : '';
        throw new CliError(`${shown} line ${n}: ${err.message}${before}`);
      }
      done++;
      bar.update(bytes, `${done}/${count} bundles, ${sum.created} created, ${sum.existing} already there`);
    }
    // As the service does after a bundle: the full-text indexes' merge work (each step a short transaction).
    await services.searchIndex.tidy(Number.POSITIVE_INFINITY);
  } finally {
    await db.close();
  }
  bar.finish(`${done}/${count} bundles`);
  console.log(`imported ${done} bundles from ${shown}: ${sum.created} created, ${sum.updated} updated, ${sum.existing} already there`);
}
