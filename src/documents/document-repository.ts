import type { Updateable } from 'kysely';
import type { Db, NewRow, Row } from '../db/database.js';
import type { DocumentsTable } from '../db/tables.js';
import { selectReferences, type Reference } from '../db/references.js';

export type DocumentRow = Row<'documents'>;

export class DocumentRepository {
  /** Public so a service can run a write that may be refused in its own savepoint (writeThenExplain). */
  constructor(readonly db: Db) {}

  get(id: number): Promise<DocumentRow | undefined> {
    return this.db.rowById('documents', id);
  }

  exists(id: number): Promise<boolean> {
    return this.db.hasId('documents', id);
  }

  list(outletId: number | undefined, afterId: number, limit: number): Promise<DocumentRow[]> {
    let q = this.db.kysely.selectFrom('documents').selectAll().where('id', '>', afterId);
    if (outletId) q = q.where('outlet_id', '=', outletId);
    return this.db.all(q.orderBy('id').limit(limit));
  }

  /** The new row, as stored. */
  insert(row: NewRow<'documents'>): Promise<DocumentRow> {
    return this.db.insertRow('documents', row);
  }

  /** Rows inserted one after another in one call (Db.insertRows). */
  insertEach(count: number, row: (i: number) => NewRow<'documents'>, inserted: (i: number, id: number) => void): Promise<void> {
    return this.db.insertRows('documents', count, row, inserted);
  }

  async update(id: number, row: Updateable<DocumentsTable>): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('documents').set(row).where('id', '=', id));
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('documents').where('id', '=', id))).changes;
  }

  references(id: number, perKind = 20): Promise<Reference[]> {
    return selectReferences(this.db, 'document', id, perKind);
  }
}
