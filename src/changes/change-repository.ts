import type { Db, Row } from '../db/database.js';

export type ChangeRow = Row<'changes'>;

export interface ChangeFilter {
  recordType?: string;
  recordId?: string;
  keyId?: number;
  since?: string;
  until?: string;
}

export class ChangeRepository {
  constructor(private readonly db: Db) {}

  list(f: ChangeFilter, afterSeq: number, limit: number): ChangeRow[] {
    let q = this.db.kysely.selectFrom('changes').selectAll().where('seq', '>', afterSeq);
    if (f.recordType) q = q.where('record_type', '=', f.recordType);
    if (f.recordId) q = q.where('record_id', '=', f.recordId);
    if (f.keyId) q = q.where('key_id', '=', f.keyId);
    if (f.since) q = q.where('at', '>=', f.since);
    if (f.until) q = q.where('at', '<', f.until);
    return this.db.all(q.orderBy('seq').limit(limit));
  }

  /** Every change in order, one row at a time: memory stays flat however long the history. */
  iterate(): IterableIterator<ChangeRow> {
    return this.db.prepare('SELECT * FROM changes ORDER BY seq').iterate() as IterableIterator<ChangeRow>;
  }
}
