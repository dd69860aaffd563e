// Frozen: migrations import this builder, so it never changes once shipped; a new builder is a new file.
// Imports nothing from src/.
//
// The PostgreSQL twin of history-triggers-v1.ts: from the same explicit column list it writes PL/pgSQL
// triggers whose change records are the SQLite triggers' (before/after as json_object writes them, ws_json:
// the same text, but for a REAL's digits, which are the same number), hashed by the same functions under
// the same names (ws_chain_hash, ws_leaf_hash: SQL functions here, JavaScript in src/db/functions.ts on
// SQLite). A committed column is drawn a fresh 16-byte
// salt (pgcrypto) kept with its value in history_openings, and the record holds {"commitment": hex}.
//
// SQLite has one writer at a time; PostgreSQL does not. Each trigger first takes a transaction-level
// advisory lock (HISTORY_LOCK), then reads the last seq and hash: the history stays one chain across
// connections and processes, and the lock is held until the writing transaction ends. (At READ COMMITTED,
// each statement of the trigger sees what the previous holder committed.)
import { sql, type Kysely } from 'kysely';
import type { HistoryTable } from './history-triggers-v1.js';

/** The advisory lock key of the history ('whosaid!' as a 64-bit integer). */
export const HISTORY_LOCK = '8604249629437551649';

export interface PgHistoryOptions {
  /**
   * The transparency log is installed: changes have leaf_hash, and the column list is kept in
   * history_columns. Without it (history version 1), the records hold every value in the clear.
   */
  log: boolean;
}

export async function installPgHistoryTriggers<DB>(
  db: Kysely<DB>,
  version: number,
  tables: HistoryTable[],
  { log }: PgHistoryOptions,
): Promise<void> {
  await dropPgHistoryTriggers(db);
  if (log) await sql`DELETE FROM history_columns`.execute(db);

  for (const t of tables) {
    const committed = new Set(t.committed ?? []);
    for (const c of committed) if (!t.columns.includes(c)) throw new Error(`${t.table}.${c} is committed but not recorded`);
    if (committed.size && !log) throw new Error(`${t.table}: committed columns need the transparency log`);
    if (log) {
      for (const [i, c] of t.columns.entries()) {
        await sql`INSERT INTO history_columns (version, record_type, table_name, id_sql, position, column_name, committed)
                  VALUES (${version}, ${t.type}, ${t.table}, ${t.id}, ${i}, ${c}, ${committed.has(c) ? 1 : 0})`.execute(db);
      }
    }
    // {"col":value,...} as SQLite's json_object writes it; a committed value is opened (ws_open) first.
    const json = (row: 'NEW' | 'OLD', side: 'before' | 'after') =>
      `'{' || ${t.columns
        .map((c, i) => {
          const key = `'${i ? ',' : ''}${JSON.stringify(c)}:'`;
          const value = committed.has(c)
            ? `ws_open(v_seq, '${side}', '${c}', ws_json(${row}."${c}"))`
            : `coalesce(ws_json(${row}."${c}"), 'null')`;
          return `${key} || ${value}`;
        })
        .join(' || ')} || '}'`;
    const id = (row: 'NEW' | 'OLD') => `CAST(${t.id.replace(/X\./g, `${row}.`)} AS TEXT)`;
    const fields = `v_seq, v_at, v_key, v_action, '${t.type}', v_id, v_before, v_after`;
    const fn = `history_v${version}_${t.table}`;
    await sql
      .raw(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v_seq bigint;
        v_prev text;
        v_at text;
        v_key bigint;
        v_action text := lower(TG_OP);
        v_id text;
        v_before text;
        v_after text;
      BEGIN
        PERFORM pg_advisory_xact_lock(${HISTORY_LOCK});
        SELECT c.seq, c.hash INTO v_seq, v_prev FROM changes c ORDER BY c.seq DESC LIMIT 1;
        v_seq := coalesce(v_seq, 0) + 1;
        v_prev := coalesce(v_prev, '');
        v_at := ws_now();
        v_key := ws_key_id();
        IF TG_OP = 'INSERT' THEN
          v_id := ${id('NEW')};
          v_after := ${json('NEW', 'after')};
        ELSIF TG_OP = 'UPDATE' THEN
          v_id := ${id('NEW')};
          v_before := ${json('OLD', 'before')};
          v_after := ${json('NEW', 'after')};
        ELSE
          v_id := ${id('OLD')};
          v_before := ${json('OLD', 'before')};
        END IF;
        INSERT INTO changes (seq, at, key_id, action, record_type, record_id, before, after, prev_hash, hash${log ? ', leaf_hash' : ''})
        VALUES (${fields}, v_prev, ws_chain_hash(v_prev, ${fields})${log ? `, ws_leaf_hash(${fields})` : ''});
        RETURN NULL;
      END $fn$`)
      .execute(db);
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      await sql
        .raw(`CREATE TRIGGER history_${t.table}_${event.toLowerCase()} AFTER ${event} ON ${t.table}
              FOR EACH ROW WHEN (ws_history_enabled()) EXECUTE FUNCTION ${fn}()`)
        .execute(db);
    }
  }
}

/** Drops the history triggers and their functions, whichever version installed them. */
export async function dropPgHistoryTriggers<DB>(db: Kysely<DB>): Promise<void> {
  const triggers = (
    await sql<{ name: string; table: string }>`
      SELECT t.tgname AS name, c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgname LIKE 'history\\_%' AND c.relnamespace = current_schema()::regnamespace`.execute(db)
  ).rows;
  for (const t of triggers) await sql.raw(`DROP TRIGGER "${t.name}" ON "${t.table}"`).execute(db);
  const functions = (
    await sql<{ signature: string }>`
      SELECT oid::regprocedure::text AS signature FROM pg_proc
      WHERE proname LIKE 'history\\_v%' AND pronamespace = current_schema()::regnamespace`.execute(db)
  ).rows;
  for (const f of functions) await sql.raw(`DROP FUNCTION ${f.signature}`).execute(db);
}
