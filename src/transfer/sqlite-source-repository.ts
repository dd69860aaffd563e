import type { Db } from '../db/db.js';

/** A row as it is stored, column by column, to be copied as it is. */
export type StoredRow = Record<string, unknown>;

/** One row of history_columns: which column of which table the history records, and how. */
export interface RecordedColumn {
  record_type: string;
  table_name: string;
  position: number;
  column_name: string;
  committed: number;
}

/** The SQLite side of moving a newsroom: what tables and columns there are, and their rows in order. */
export class SqliteSourceRepository {
  constructor(private readonly db: Db) {}

  /** Every table of the file, virtual ones and their shadow tables included (the caller decides what to skip). */
  async tables(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
    return rows.map((r) => r.name);
  }

  async columns(table: string): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table]);
    return rows.map((r) => r.name);
  }

  async count(table: string): Promise<number> {
    const row = await this.db.queryFirst<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`);
    return Number(row?.n ?? 0);
  }

  /** The rows of a table in key order, read in batches. */
  rows(table: string, columns: readonly string[], orderBy: readonly string[]): AsyncIterable<StoredRow> {
    const list = columns.map((c) => `"${c}"`).join(', ');
    return this.db.stream<StoredRow>(`SELECT ${list} FROM "${table}" ORDER BY ${orderBy.map((c) => `"${c}"`).join(', ')}`);
  }

  /** Rows whose reference to their own table points at themselves or at a later row: set once every row is in. */
  forwardReferences(table: string, column: string): AsyncIterable<{ id: number; ref: number }> {
    return this.db.stream<{ id: number; ref: number }>(`SELECT id, "${column}" AS ref FROM "${table}" WHERE "${column}" >= id ORDER BY id`);
  }

  async migrations(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    return rows.map((r) => r.name);
  }

  recordedColumns(): Promise<RecordedColumn[]> {
    return this.db.query<RecordedColumn>(
      'SELECT record_type, table_name, position, column_name, committed FROM history_columns ORDER BY record_type, position',
    );
  }
}
