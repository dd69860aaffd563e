import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Viewer } from '../shared/viewer.js';
import { leafHash, nodeHash } from '../log/merkle.js';

/** What the history triggers read of the current write: who is writing (and with which key), and whether to record. */
export interface WriteContext {
  writer: Viewer;
  history: boolean;
}

/** The fields of a change that its hashes cover, in order. */
export type EntryFields = [
  seq: number,
  at: string,
  keyId: number | null,
  action: string,
  type: string,
  id: string,
  before: string | null,
  after: string | null,
];

/** The bytes a change contributes to the log: JSON [seq, at, keyId, action, recordType, recordId, before, after]. */
export const changeEntry = (...fields: EntryFields): string => JSON.stringify(fields);

/**
 * The hash of one change: SHA-256 over the previous hash and the change's entry.
 * The triggers and the verifier both go through this one function, so they cannot disagree.
 */
export const chainHash = (prev: string, ...fields: EntryFields): string =>
  createHash('sha256')
    .update(prev)
    .update('\n')
    .update(changeEntry(...fields))
    .digest('hex');

/** A salted commitment: hex SHA-256(salt || JSON text of the value). */
export const commitment = (salt: Uint8Array, valueJson: string): string =>
  createHash('sha256').update(salt).update(valueJson, 'utf8').digest('hex');

// SQLite hands the functions what the triggers pass: text, numbers (or bigints), nulls, blobs. Each
// function names every parameter (no rest parameter): better-sqlite3 takes its arity from its length.
const int = (v: unknown) => (v === null ? null : Number(v));
const text = (v: unknown) => v as string;
const textOrNull = (v: unknown) => v as string | null;

/** `current` gives the write context of the statement running now (the triggers run inside its call). */
export function registerFunctions(sqlite: BetterSqlite3.Database, current: () => WriteContext): void {
  sqlite.function('ws_now', { deterministic: false }, () => new Date().toISOString());
  sqlite.function('ws_key_id', { deterministic: false }, () => current().writer.keyId);
  sqlite.function('ws_history_enabled', { deterministic: false }, () => (current().history ? 1 : 0));
  sqlite.function(
    'ws_chain_hash',
    { deterministic: true, varargs: false },
    (
      prev: unknown,
      seq: unknown,
      at: unknown,
      keyId: unknown,
      action: unknown,
      type: unknown,
      id: unknown,
      before: unknown,
      after: unknown,
    ) =>
      chainHash(text(prev), Number(seq), text(at), int(keyId), text(action), text(type), text(id), textOrNull(before), textOrNull(after)),
  );
  sqlite.function(
    'ws_leaf_hash',
    { deterministic: true, varargs: false },
    (seq: unknown, at: unknown, keyId: unknown, action: unknown, type: unknown, id: unknown, before: unknown, after: unknown) =>
      leafHash(changeEntry(Number(seq), text(at), int(keyId), text(action), text(type), text(id), textOrNull(before), textOrNull(after))),
  );
  sqlite.function('ws_node_hash', { deterministic: true }, (l: unknown, r: unknown) => nodeHash(l as Uint8Array, r as Uint8Array));
  sqlite.function('ws_commit', { deterministic: true }, (salt: unknown, value: unknown) => commitment(salt as Uint8Array, text(value)));
}
