// Moving a newsroom from its SQLite file to PostgreSQL, history included. The rows are copied as they are
// stored (ids, bundle keys, API key hashes, every change with its hashes, the commitments' openings, the
// Merkle nodes), with the history triggers off on the target: the copied rows ARE the history, and a
// trigger would record the copy as new changes. One transaction on the target, so a failed move leaves
// it empty; then the target's history is verified inside that transaction, against the tree the source's
// checkpoints were signed over, and the move commits only if it verifies.
import type { Db } from '../db/db.js';
import type { ChangeVerification } from '../generated/schema-types.js';
import { ChangeRepository } from '../changes/change-repository.js';
import { verifyHistory } from '../changes/verify-history.js';
import { LogRepository } from '../log/log-repository.js';
import { rootOf } from '../log/merkle.js';
import { PostgresTargetRepository } from './postgres-target-repository.js';
import { SqliteSourceRepository, type StoredRow } from './sqlite-source-repository.js';

interface CopiedTable {
  table: string;
  /** The key the rows are read in: parents before children, changes in log order. */
  orderBy: string[];
  /** Columns naming a row of the same table, which may be a later row: set once all rows are in. */
  selfReferences?: string[];
}

/** Every table that holds a newsroom's data, each after the tables its rows name. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { table: 'api_keys', orderBy: ['id'], selfReferences: ['created_by'] },
  { table: 'actors', orderBy: ['id'], selfReferences: ['acts_for_id'] },
  { table: 'documents', orderBy: ['id'] },
  { table: 'statements', orderBy: ['id'] },
  { table: 'relays', orderBy: ['id'], selfReferences: ['via_relay_id'] },
  { table: 'claims', orderBy: ['id'] },
  { table: 'statement_claims', orderBy: ['statement_id', 'claim_id'] },
  { table: 'tags', orderBy: ['id'] },
  { table: 'bundle_keys', orderBy: ['namespace', 'record_type', 'key'] },
  { table: 'changes', orderBy: ['seq'] },
  { table: 'history_openings', orderBy: ['seq', 'side', 'column_name'] },
  { table: 'merkle_nodes', orderBy: ['level', 'idx'] },
];

/** Filled by the target's own migrations: must match the source's, is not copied. */
const SCHEMA_TABLES = ['history_columns'];

/** Not data: SQLite's own tables, the migration bookkeeping, the full-text indexes (the target indexes the statements itself). */
const isNotData = (table: string) => /^(sqlite_|kysely_|statements_fts)/.test(table);

/** A move that cannot start or did not verify: the target is left as it was. */
export class MoveError extends Error {}

export type MoveProgress = (done: number, total: number, note: string) => void;

export interface MoveResult {
  tables: Array<{ table: string; rows: number }>;
  rows: number;
  /** The identity sequences moved past the copied ids. */
  sequences: string[];
  verification: ChangeVerification;
}

/** Rows per INSERT: a bound on parameters (PostgreSQL takes 65,535) and on the bytes of one statement. */
const BATCH_ROWS = 1000;
const BATCH_PARAMS = 30_000;
const BATCH_BYTES = 8 * 1024 * 1024;

const sizeOf = (v: unknown) => (typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.byteLength : 8);

export async function moveDatabase(source: Db, target: Db, progress: MoveProgress = () => {}): Promise<MoveResult> {
  const src = new SqliteSourceRepository(source);
  const dst = new PostgresTargetRepository(target);
  // Read in one transaction: a consistent moment of the source, and no writer can change it meanwhile.
  return source.transaction(async () => {
    const columns = await checkMovable(src, dst);
    const counts = new Map<string, number>();
    for (const { table } of COPIED_TABLES) counts.set(table, await src.count(table));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const log = await treeOf(new LogRepository(source));

    return target.withoutHistory(() =>
      target.transaction(async () => {
        const indexes = await dst.setIndexesAside();
        let done = 0;
        for (const plan of COPIED_TABLES) {
          const cols = columns.get(plan.table)!;
          const expected = counts.get(plan.table)!;
          // A target whose triggers build the Merkle nodes as changes are appended has them already:
          // they are then checked (by count here, node by node by the verification) rather than copied.
          if (plan.table === 'merkle_nodes' && (await dst.hasRows('merkle_nodes'))) {
            const made = await dst.count('merkle_nodes');
            if (made !== expected) throw new MoveError(`the target made ${made} Merkle nodes from the changes; the source has ${expected}`);
            done += expected;
            progress(done, total, `merkle_nodes ${expected} (made by the target as the changes went in)`);
            continue;
          }
          const before = done;
          done += await copyTable(src, dst, plan, cols, (n) => progress(before + n, total, `${plan.table} ${n}/${expected}`));
        }
        progress(done, total, `building ${indexes.length} indexes`);
        await dst.restoreIndexes(indexes);
        const sequences = await dst.moveSequencesPastRows(COPIED_TABLES.map((t) => t.table));
        // The source's tree as a saved checkpoint: the target's log must be it, leaf for leaf and node for node.
        const saved = { origin: 'sqlite', size: log.size, root: log.root, time: null };
        const verification = await verifyHistory(new ChangeRepository(target), new LogRepository(target), saved);
        if (!verification.intact) {
          const first = verification.problems?.[0];
          throw new MoveError(
            `the history does not verify on PostgreSQL${first ? ` (${first.kind}: ${first.reason})` : ''}: ` +
              'whosaid verify on the SQLite database tells whether it verifies there',
          );
        }
        return {
          tables: COPIED_TABLES.map(({ table }) => ({ table, rows: counts.get(table)! })),
          rows: total,
          sequences,
          verification,
        };
      }),
    );
  });
}

/**
 * Copies the rows of some of the moved tables (names from COPIED_TABLES) into a target where those tables
 * are empty but others may not be, as stored and with no history written, then moves the id sequences past
 * them: records made outside the service (a benchmark's generated rows) joining a database that already
 * has, say, its API keys. Nothing is verified: rows copied this way carry no history. With `indexesAfter`,
 * the indexes of the empty tables are built once the rows are in (changing the catalog: for large copies).
 * Gives the rows copied.
 */
export async function copyTables(
  source: Db,
  target: Db,
  tables: readonly string[],
  opts: { indexesAfter?: boolean; progress?: (note: string) => void } = {},
): Promise<number> {
  const src = new SqliteSourceRepository(source);
  const dst = new PostgresTargetRepository(target);
  const plans = COPIED_TABLES.filter((p) => tables.includes(p.table));
  const unknown = tables.filter((t) => !plans.some((p) => p.table === t));
  if (unknown.length) throw new MoveError(`not a table a move copies: ${unknown.join(', ')}`);
  return source.transaction(() =>
    target.withoutHistory(() =>
      target.transaction(async () => {
        for (const plan of plans)
          if (await dst.hasRows(plan.table)) throw new MoveError(`the PostgreSQL table ${plan.table} has rows already`);
        const indexes = opts.indexesAfter ? await dst.setIndexesAside() : [];
        let copied = 0;
        for (const plan of plans) {
          copied += await copyTable(src, dst, plan, await src.columns(plan.table), (n) => opts.progress?.(`${plan.table} ${n}`));
        }
        opts.progress?.(`building ${indexes.length} indexes`);
        await dst.restoreIndexes(indexes);
        await dst.moveSequencesPastRows(tables);
        return copied;
      }),
    ),
  );
}

/** The size and root hash of a log as its stored tree gives them: what its checkpoints were signed over. */
async function treeOf(log: LogRepository): Promise<{ size: number; root: Buffer }> {
  const size = await log.size();
  return { size, root: await log.withTree(size, (tree) => rootOf(tree)) };
}

/** Copies one table in batches; gives the number of rows copied. */
async function copyTable(
  src: SqliteSourceRepository,
  dst: PostgresTargetRepository,
  plan: CopiedTable,
  columns: string[],
  onBatch: (copied: number) => void,
): Promise<number> {
  const perBatch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(BATCH_PARAMS / columns.length)));
  const selfRefs = plan.selfReferences ?? [];
  let batch: StoredRow[] = [];
  let bytes = 0;
  let copied = 0;
  // One insert in flight while the next batch is read: PostgreSQL writes one batch as this process reads
  // and encodes the next (one at a time: they share the transaction's connection).
  let inFlight: Promise<void> | undefined;
  const flush = async () => {
    const rows = batch;
    batch = [];
    bytes = 0;
    await inFlight;
    inFlight = dst.insert(plan.table, columns, rows).then(() => {
      copied += rows.length;
      onBatch(copied);
    });
    // Its failure is thrown where it is awaited: at the next flush or after the last.
    inFlight.catch(() => {});
  };
  for await (const row of src.rows(plan.table, columns, plan.orderBy)) {
    // A reference to a row not yet copied waits until it is (a foreign key would refuse it now).
    for (const c of selfRefs) if (row[c] !== null && Number(row[c]) >= Number(row.id)) row[c] = null;
    batch.push(row);
    for (const c of columns) {
      const v = row[c];
      // SQLite's text can hold U+0000 (stored before the API refused it); PostgreSQL's cannot (22021), whose
      // own error names neither the row nor the column. The value itself stays out of the message.
      if (typeof v === 'string' && v.includes('\u0000'))
        throw new MoveError(
          `${plan.table} ${'id' in row ? `row ${row.id}` : `row ${copied + batch.length}`}: ${c} holds a NUL character (U+0000), which PostgreSQL's text cannot hold; remove it on SQLite and move again`,
        );
      bytes += sizeOf(v);
    }
    if (batch.length >= perBatch || bytes >= BATCH_BYTES) await flush();
  }
  if (batch.length) await flush();
  await inFlight;
  for (const c of selfRefs)
    for await (const { id, ref } of src.forwardReferences(plan.table, c)) await dst.setReference(plan.table, c, id, ref);
  return copied;
}

/**
 * Refuses a move that could not be faithful: a table of the source this version does not know, a target
 * that is not migrated to the same version or already holds data. Gives the columns to copy per table.
 */
async function checkMovable(src: SqliteSourceRepository, dst: PostgresTargetRepository): Promise<Map<string, string[]>> {
  const known = new Set([...COPIED_TABLES.map((t) => t.table), ...SCHEMA_TABLES]);
  const unknown = (await src.tables()).filter((t) => !known.has(t) && !isNotData(t));
  if (unknown.length)
    throw new MoveError(`the SQLite database has tables this version cannot move (${unknown.join(', ')}); upgrade whosaid`);

  const [mine, theirs] = [await src.migrations(), await dst.migrations()];
  const missing = mine.filter((m) => !theirs.includes(m));
  const extra = theirs.filter((m) => !mine.includes(m));
  if (missing.length || extra.length)
    throw new MoveError(
      `the two databases are at different versions (${missing.length ? `PostgreSQL lacks ${missing.join(', ')}` : `SQLite lacks ${extra.join(', ')}`}); ` +
        'run the same whosaid version against both',
    );

  const targetTables = await dst.tables();
  const columns = new Map<string, string[]>();
  for (const { table } of COPIED_TABLES) {
    if (!targetTables.has(table))
      throw new MoveError(`the PostgreSQL database has no table ${table}: it is not a migrated whosaid database`);
    const cols = await src.columns(table);
    const there = await dst.columns(table);
    const absent = cols.filter((c) => !there.has(c));
    if (absent.length) throw new MoveError(`the PostgreSQL table ${table} has no column ${absent.join(', ')}`);
    columns.set(table, cols);
    if (await dst.hasRows(table))
      throw new MoveError(
        `the PostgreSQL database is not empty (${table} has rows): a move writes into an empty database only, so nothing is merged or overwritten`,
      );
  }

  const key = (c: { record_type: string; position: number; table_name: string; column_name: string; committed: number }) =>
    `${c.record_type}/${c.position}/${c.table_name}.${c.column_name}/${c.committed}`;
  const recorded = (rows: Parameters<typeof key>[0][]) => rows.map(key).sort().join('\n');
  if (recorded(await src.recordedColumns()) !== recorded(await dst.recordedColumns()))
    throw new MoveError(
      'the two databases record different columns in their history (history_columns differ): not the same whosaid version',
    );
  return columns;
}
