import type { Db, Row } from '../db/database.js';

export type ChangeRow = Row<'changes'>;

export interface ChangeFilter {
  recordType?: string;
  recordId?: string;
  keyId?: number;
  since?: string;
  until?: string;
  /** Record types the caller may not see. */
  hiddenTypes?: string[];
}

export interface Opening {
  seq: number;
  side: 'before' | 'after';
  column_name: string;
  salt: Buffer;
  value: string;
}

/** One recorded table as the history triggers were last generated for it (history_columns). */
export interface RecordedTable {
  type: string;
  table: string;
  idSql: string;
  columns: Array<{ name: string; committed: boolean }>;
}

export class ChangeRepository {
  constructor(private readonly db: Db) {}

  list(f: ChangeFilter, afterSeq: number, limit: number): Promise<ChangeRow[]> {
    let q = this.db.kysely.selectFrom('changes').selectAll().where('seq', '>', afterSeq);
    if (f.recordType) q = q.where('record_type', '=', f.recordType);
    if (f.recordId) q = q.where('record_id', '=', f.recordId);
    if (f.keyId) q = q.where('key_id', '=', f.keyId);
    if (f.since) q = q.where('at', '>=', f.since);
    if (f.until) q = q.where('at', '<', f.until);
    if (f.hiddenTypes?.length) q = q.where('record_type', 'not in', f.hiddenTypes);
    return this.db.all(q.orderBy('seq').limit(limit));
  }

  /** Salts and values behind the commitments of these changes. */
  openings(seqs: number[]): Promise<Opening[]> {
    if (seqs.length === 0) return Promise.resolve([]);
    return this.db.query<Opening>(`SELECT * FROM history_openings WHERE seq IN (${seqs.map(() => '?').join(',')})`, seqs);
  }

  /** Every change in order, a batch at a time: memory stays flat however long the history. */
  iterate(): AsyncIterable<ChangeRow> {
    return this.db.stream<ChangeRow>('SELECT * FROM changes ORDER BY seq');
  }

  async recordedTables(): Promise<RecordedTable[]> {
    const rows = await this.db.query<{ record_type: string; table_name: string; id_sql: string; column_name: string; committed: number }>(
      'SELECT record_type, table_name, id_sql, column_name, committed FROM history_columns ORDER BY record_type, position',
    );
    const byType = new Map<string, RecordedTable>();
    for (const r of rows) {
      let t = byType.get(r.record_type);
      if (!t) byType.set(r.record_type, (t = { type: r.record_type, table: r.table_name, idSql: r.id_sql, columns: [] }));
      t.columns.push({ name: r.column_name, committed: r.committed === 1 });
    }
    return [...byType.values()];
  }

  async liveColumns(table: string): Promise<string[]> {
    const sql =
      this.db.dialect === 'postgres'
        ? 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position'
        : 'SELECT name FROM pragma_table_info(?)';
    return (await this.db.query<{ name: string }>(sql, [table])).map((r) => r.name);
  }

  /** Every current row of a recorded table with its history id as __id. */
  iterateRows(t: RecordedTable): AsyncIterable<Record<string, unknown> & { __id: string }> {
    const id = t.idSql.replace(/X\./g, '');
    return this.db.stream(`SELECT CAST(${id} AS TEXT) AS __id, * FROM "${t.table}"`);
  }
}
