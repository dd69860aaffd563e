// npm run verify -- [--checkpoint saved.txt] [--key <verifier key>]
// Checks the database's history (chain, leaves, Merkle tree, every record against its history) and, given
// a checkpoint saved earlier from GET /v1/log/checkpoint, that today's log is an append-only extension of
// it. The verifier key defaults to the one of the log key file (WHOSAID_LOG_KEY). Exit 0: intact; 1: not.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServices } from '../app.js';
import { loadConfig } from '../config.js';
import { openMigrated } from '../db/open.js';
import { CheckpointError, LogSigner, openCheckpoint } from '../log/checkpoint.js';
import { historyLines } from '../changes/verify-report-lines.js';
import { createSchemaRegistry } from '../validation/ajv.js';

const { values } = parseArgs({ options: { checkpoint: { type: 'string' }, key: { type: 'string' } } });
const config = loadConfig();
const fail = (msg: string): never => {
  console.error(msg);
  process.exit(2);
};

let saved: ReturnType<typeof openCheckpoint> | undefined;
if (values.checkpoint) {
  if (!existsSync(values.checkpoint)) fail(`${values.checkpoint}: no such file`);
  const key =
    values.key ?? (existsSync(config.logKeyFile) ? LogSigner.fromFile(config.logKeyFile, config.logOrigin).verifierKey : undefined);
  if (!key) fail(`no verifier key: pass --key (GET /v1/log/key) or set WHOSAID_LOG_KEY to the log key file`);
  try {
    saved = openCheckpoint(readFileSync(values.checkpoint!, 'utf8'), key!);
  } catch (err) {
    if (err instanceof CheckpointError) fail(`${values.checkpoint}: not a checkpoint of this log: ${err.message}`);
    throw err;
  }
}
if (!existsSync(config.dbFile)) fail(`${config.dbFile}: no such database`);
const db = await openMigrated(config.dbFile);
try {
  const { ok, lines } = historyLines(createServices(db, createSchemaRegistry()).changes.verify(saved));
  for (const line of lines) (ok ? console.log : console.error)(line);
  if (!ok) process.exitCode = 1;
} finally {
  db.close();
}
