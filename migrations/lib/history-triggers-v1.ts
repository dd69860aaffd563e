// Frozen: migrations import this builder, so it never changes once shipped; a new builder is a new file.
// Imports nothing from src/.
//
// The history triggers are generated from an explicit column list that the migration passes in, never from
// the live table: a column added later is recorded only when a migration installs a list that names it.
// The list installed last is kept in `history_columns`, so verify can name any live column it lacks.
//
// Committed columns enter the history only as salted commitments: the trigger draws a fresh 128-bit salt
// per value and side (randomblob), keeps salt and value in `history_openings` (read by editors and admins
// only), and writes {"commitment": hex(SHA-256(salt || JSON value))} into the change record. The change's
// leaf hash (the Merkle tree's input) therefore covers the commitment, never the value.
// The triggers call functions the application registers on its connection (src/db/functions.ts).
import { sql, type Kysely } from 'kysely';

export interface HistoryTable {
  table: string;
  /** Record type name in the history. */
  type: string;
  /** SQL of a row's id with X standing for the row. */
  id: string;
  /** Every column recorded, in order. */
  columns: string[];
  /** Columns recorded only as salted commitments. */
  committed?: string[];
}

export async function installHistoryTriggers<DB>(db: Kysely<DB>, version: number, tables: HistoryTable[]): Promise<void> {
  const old = (
    await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history\\_%' ESCAPE '\\'`.execute(db)
  ).rows;
  for (const { name } of old) await sql.raw(`DROP TRIGGER "${name}"`).execute(db);
  await sql`DELETE FROM history_columns`.execute(db);

  for (const t of tables) {
    const committed = new Set(t.committed ?? []);
    for (const c of committed) if (!t.columns.includes(c)) throw new Error(`${t.table}.${c} is committed but not recorded`);
    for (const [i, c] of t.columns.entries()) {
      await sql`INSERT INTO history_columns (version, record_type, table_name, id_sql, position, column_name, committed)
                VALUES (${version}, ${t.type}, ${t.table}, ${t.id}, ${i}, ${c}, ${committed.has(c) ? 1 : 0})`.execute(db);
    }
    const nextSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM changes)`;
    const openings = (row: 'NEW' | 'OLD', side: 'before' | 'after') =>
      [...committed]
        .map(
          (c) => `INSERT INTO history_openings (seq, side, column_name, salt, value)
            SELECT ${nextSeq}, '${side}', '${c}', randomblob(16), json_quote(${row}."${c}") WHERE ${row}."${c}" IS NOT NULL;`,
        )
        .join('\n');
    const json = (row: 'NEW' | 'OLD', side: 'before' | 'after') =>
      `json_object(${t.columns
        .map((c) =>
          committed.has(c)
            ? `'${c}', json((SELECT json_object('commitment', ws_commit(o.salt, o.value)) FROM history_openings o
                 WHERE o.seq = s.seq AND o.side = '${side}' AND o.column_name = '${c}'))`
            : `'${c}', ${row}."${c}"`,
        )
        .join(', ')})`;
    const id = (row: 'NEW' | 'OLD') => `CAST(${t.id.replace(/X\./g, `${row}.`)} AS TEXT)`;
    const insert = (action: string, row: 'NEW' | 'OLD', before: string, after: string) => `
      INSERT INTO changes (seq, at, key_id, action, record_type, record_id, before, after, prev_hash, hash, leaf_hash)
      WITH c AS MATERIALIZED (
        SELECT s.seq, s.at, s.key_id, ${id(row)} AS record_id, ${before} AS before, ${after} AS after, s.prev
        FROM (SELECT ${nextSeq} AS seq, ws_now() AS at, ws_key_id() AS key_id,
                     coalesce((SELECT hash FROM changes ORDER BY seq DESC LIMIT 1), '') AS prev) s)
      SELECT c.seq, c.at, c.key_id, '${action}', '${t.type}', c.record_id, c.before, c.after, c.prev,
             ws_chain_hash(c.prev, c.seq, c.at, c.key_id, '${action}', '${t.type}', c.record_id, c.before, c.after),
             ws_leaf_hash(c.seq, c.at, c.key_id, '${action}', '${t.type}', c.record_id, c.before, c.after)
      FROM c;`;
    const trigger = (event: string, body: string) =>
      sql
        .raw(`CREATE TRIGGER history_${t.table}_${event.toLowerCase()} AFTER ${event} ON ${t.table} WHEN ws_history_enabled()
          BEGIN ${body} END`)
        .execute(db);
    await trigger('INSERT', `${openings('NEW', 'after')}\n${insert('insert', 'NEW', 'NULL', json('NEW', 'after'))}`);
    await trigger(
      'UPDATE',
      `${openings('OLD', 'before')}\n${openings('NEW', 'after')}\n${insert('update', 'NEW', json('OLD', 'before'), json('NEW', 'after'))}`,
    );
    await trigger('DELETE', `${openings('OLD', 'before')}\n${insert('delete', 'OLD', json('OLD', 'before'), 'NULL')}`);
  }
}
