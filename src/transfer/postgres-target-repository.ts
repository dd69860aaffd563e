import type { Db } from '../db/db.js';
import type { RecordedColumn, StoredRow } from './sqlite-source-repository.js';

/** The PostgreSQL side of moving a newsroom: its tables and columns, and rows written as they were stored. */
export class PostgresTargetRepository {
  constructor(private readonly db: Db) {}

  async tables(): Promise<Set<string>> {
    const rows = await this.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    return new Set(rows.map((r) => r.name));
  }

  async columns(table: string): Promise<Set<string>> {
    const rows = await this.db.query<{ name: string }>(
      'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?',
      [table],
    );
    return new Set(rows.map((r) => r.name));
  }

  async hasRows(table: string): Promise<boolean> {
    return (await this.db.queryFirst(`SELECT 1 AS one FROM "${table}" LIMIT 1`)) !== undefined;
  }

  async count(table: string): Promise<number> {
    const row = await this.db.queryFirst<{ n: string | number }>(`SELECT count(*) AS n FROM "${table}"`);
    return Number(row?.n ?? 0);
  }

  /**
   * Writes rows with the values they had, ids included: OVERRIDING SYSTEM VALUE lets an explicit id into an
   * identity column (the sequences are moved past them afterwards, see `moveSequencesPastRows`).
   */
  async insert(table: string, columns: readonly string[], rows: readonly StoredRow[]): Promise<void> {
    if (rows.length === 0) return;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const params: unknown[] = [];
    for (const row of rows) for (const c of columns) params.push(row[c] ?? null);
    await this.db.execute(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${rows.map(() => tuple).join(', ')}`,
      params,
    );
  }

  /**
   * Drops the indexes of the empty tables that only speed reads up (not those of a key, a unique or
   * exclusion constraint, nor unique ones) and gives the statements that make them again: a bulk copy into
   * tables without them, then one index build each, is far faster than keeping them up row by row. Inside
   * a transaction, so a failed copy gets them back with everything else.
   */
  async setIndexesAside(): Promise<string[]> {
    const rows = await this.db.query<{ name: string; def: string; tbl: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def, i.tablename AS tbl FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = to_regnamespace(i.schemaname)
       JOIN pg_index x ON x.indexrelid = c.oid
       WHERE i.schemaname = current_schema() AND NOT x.indisunique
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
       ORDER BY i.tablename, i.indexname`,
    );
    const aside: string[] = [];
    for (const r of rows) {
      if (await this.hasRows(r.tbl)) continue;
      await this.db.execute(`DROP INDEX "${r.name}"`);
      aside.push(r.def);
    }
    return aside;
  }

  async restoreIndexes(definitions: readonly string[]): Promise<void> {
    // Index builds sort in memory up to this much: the default (64 MB) spills a GIN build of 1M rows to disk.
    if (definitions.length) await this.db.execute(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
    for (const def of definitions) await this.db.execute(def);
  }

  async setReference(table: string, column: string, id: number, ref: number): Promise<void> {
    await this.db.execute(`UPDATE "${table}" SET "${column}" = ? WHERE id = ?`, [ref, id]);
  }

  /**
   * Moves every identity or serial sequence of these tables past the largest value now in its column, so the
   * next row written gets a fresh id rather than one of the copied ones. Gives the columns moved.
   */
  async moveSequencesPastRows(tables: readonly string[]): Promise<string[]> {
    const generated = await this.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
    );
    const moved: string[] = [];
    for (const { table_name: table, column_name: column } of generated) {
      if (!tables.includes(table)) continue;
      // setval(seq, NULL) is a no-op: an empty table keeps its sequence where it starts.
      await this.db.query(`SELECT setval(pg_get_serial_sequence(?, ?), (SELECT max("${column}") FROM "${table}"))`, [`"${table}"`, column]);
      moved.push(`${table}.${column}`);
    }
    return moved;
  }

  async migrations(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    return rows.map((r) => r.name);
  }

  async recordedColumns(): Promise<RecordedColumn[]> {
    const rows = await this.db.query<RecordedColumn>(
      'SELECT record_type, table_name, position, column_name, committed FROM history_columns ORDER BY record_type, position',
    );
    return rows.map((r) => ({ ...r, position: Number(r.position), committed: Number(r.committed) }));
  }
}
