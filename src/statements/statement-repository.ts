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

export interface ClaimLink {
  claimId: number;
  stance: string;
}

// One row per claim link (one row with NULL link columns when there is none), in claim order.
const STATEMENT_WITH_CLAIMS = `
  SELECT s.*, sc.claim_id AS link_claim_id, sc.stance AS link_stance
  FROM statements s LEFT JOIN statement_claims sc ON sc.statement_id = s.id
  WHERE s.id = ? ORDER BY sc.claim_id`;

export class StatementRepository {
  /** Public so a service can run a write that may be refused in its own savepoint (writeThenExplain). */
  constructor(readonly db: Db) {}

  get(id: number): Promise<StatementRow | undefined> {
    return this.db.rowById('statements', id);
  }

  exists(id: number): Promise<boolean> {
    return this.db.hasId('statements', id);
  }

  list(f: StatementFilter, afterId: number, limit: number): Promise<StatementRow[]> {
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
  insert(row: NewRow<'statements'>): Promise<StatementRow> {
    return this.db.insertRow('statements', row);
  }

  /** Rows inserted one after another in one call (Db.insertRows). */
  insertEach(count: number, row: (i: number) => NewRow<'statements'>, inserted: (i: number, id: number) => void): Promise<void> {
    return this.db.insertRows('statements', count, row, inserted);
  }

  async update(id: number, row: Updateable<StatementsTable>): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('statements').set(row).where('id', '=', id));
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('statements').where('id', '=', id))).changes;
  }

  /**
   * A statement and its claim links, in one query: the read behind every statement served. A second
   * query for the links cost a read transaction of its own, and `statement_id = ?` on their composite
   * key is re-planned at every call once ANALYZE has run (SQLite's STAT4 re-prepares a statement whose
   * plan may depend on a bound value); joined on s.id it is not.
   */
  async getWithClaims(id: number): Promise<{ row: StatementRow; claims: ClaimLink[] } | undefined> {
    const rows = await this.db.query<StatementRow & { link_claim_id: number | null; link_stance: string | null }>(STATEMENT_WITH_CLAIMS, [
      id,
    ]);
    if (rows.length === 0) return undefined;
    const claims = rows[0].link_claim_id === null ? [] : rows.map((r) => ({ claimId: r.link_claim_id!, stance: r.link_stance! }));
    return { row: rows[0], claims };
  }

  references(id: number, perKind = 20): Promise<Reference[]> {
    return selectReferences(this.db, 'statement', id, perKind);
  }
}
