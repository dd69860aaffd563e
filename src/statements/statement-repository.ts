import type { Updateable } from 'kysely';
import type { Db, NewRow, Row } from '../db/database.js';
import type { StatementsTable } from '../db/tables.js';
import { selectReferences, type Reference } from '../db/references.js';

export type StatementRow = Row<'statements'>;

export interface StatementFilter {
  speakerId?: number;
  claimId?: number;
  documentId?: number;
  kind?: string;
  /** Inclusive day bounds: a statement matches when its date range overlaps [from, to]. */
  from?: string;
  to?: string;
}

export class StatementRepository {
  constructor(private readonly db: Db) {}

  get(id: number): StatementRow | undefined {
    return this.db.rowById('statements', id);
  }

  exists(id: number): boolean {
    return this.db.hasId('statements', id);
  }

  list(f: StatementFilter, afterId: number, limit: number): StatementRow[] {
    let q = this.db.kysely.selectFrom('statements').selectAll().where('id', '>', afterId);
    if (f.speakerId) q = q.where('speaker_id', '=', f.speakerId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.from) q = q.where('said_to', '>=', f.from);
    if (f.to) q = q.where('said_from', '<=', f.to);
    if (f.claimId) {
      const claimId = f.claimId;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('statement_claims as sc')
            .select('sc.claim_id')
            .whereRef('sc.statement_id', '=', 'statements.id')
            .where('sc.claim_id', '=', claimId),
        ),
      );
    }
    if (f.documentId) {
      const documentId = f.documentId;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('relays as r')
            .select('r.id')
            .whereRef('r.statement_id', '=', 'statements.id')
            .where('r.document_id', '=', documentId),
        ),
      );
    }
    return this.db.all(q.orderBy('id').limit(limit));
  }

  /** The new row, as stored. */
  insert(row: NewRow<'statements'>): StatementRow {
    return this.db.insertRow('statements', row);
  }

  update(id: number, row: Updateable<StatementsTable>): void {
    this.db.run(this.db.kysely.updateTable('statements').set(row).where('id', '=', id));
  }

  delete(id: number): number {
    return this.db.run(this.db.kysely.deleteFrom('statements').where('id', '=', id)).changes;
  }

  /** Read with every statement served: plain SQL prepared once rather than a query built and compiled per call. */
  claimsOf(id: number): Array<{ claimId: number; stance: string }> {
    return this.db
      .prepare('SELECT claim_id AS claimId, stance FROM statement_claims WHERE statement_id = ? ORDER BY claim_id')
      .all(id) as Array<{ claimId: number; stance: string }>;
  }

  references(id: number, perKind = 20): Reference[] {
    return selectReferences(this.db, 'statement', id, perKind);
  }
}
