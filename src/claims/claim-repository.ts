import type { Updateable } from 'kysely';
import type { Db, NewRow, Row } from '../db/database.js';
import type { ClaimsTable } from '../db/tables.js';

export type ClaimRow = Row<'claims'>;

export interface ClaimStatementRow {
  statementId: number;
  stance: string;
  speakerId: number;
  text: string;
}

export class ClaimRepository {
  /** Public so a service can run a write that may be refused in its own savepoint (writeThenExplain). */
  constructor(readonly db: Db) {}

  get(id: number): Promise<ClaimRow | undefined> {
    return this.db.rowById('claims', id);
  }

  exists(id: number): Promise<boolean> {
    return this.db.hasId('claims', id);
  }

  list(f: { statementId?: number; rated?: boolean }, afterId: number, limit: number): Promise<ClaimRow[]> {
    let q = this.db.kysely.selectFrom('claims').selectAll().where('id', '>', afterId);
    if (f.rated !== undefined) q = q.where('verdict', f.rated ? 'is not' : 'is', null);
    if (f.statementId) {
      const sid = f.statementId;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('statement_claims as sc')
            .select('sc.claim_id')
            .whereRef('sc.claim_id', '=', 'claims.id')
            .where('sc.statement_id', '=', sid),
        ),
      );
    }
    return this.db.all(q.orderBy('id').limit(limit));
  }

  /** The new row, as stored. */
  insert(row: NewRow<'claims'>): Promise<ClaimRow> {
    return this.db.insertRow('claims', row);
  }

  /** Rows inserted one after another in one call (Db.insertRows). */
  insertEach(count: number, row: (i: number) => NewRow<'claims'>, inserted: (i: number, id: number) => void): Promise<void> {
    return this.db.insertRows('claims', count, row, inserted);
  }

  async update(id: number, row: Updateable<ClaimsTable>): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('claims').set(row).where('id', '=', id));
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('claims').where('id', '=', id))).changes;
  }

  statementsOf(id: number): Promise<ClaimStatementRow[]> {
    return this.db.all(
      this.db.kysely
        .selectFrom('statement_claims as sc')
        .innerJoin('statements as s', 's.id', 'sc.statement_id')
        .select(['sc.statement_id as statementId', 'sc.stance', 's.speaker_id as speakerId', 's.text'])
        .where('sc.claim_id', '=', id)
        .orderBy('sc.statement_id'),
    );
  }

  getLink(claimId: number, statementId: number): Promise<{ stance: string } | undefined> {
    return this.db.queryFirst('SELECT stance FROM statement_claims WHERE claim_id = ? AND statement_id = ?', [claimId, statementId]);
  }

  async upsertLink(claimId: number, statementId: number, stance: string, now: string): Promise<void> {
    // Plain SQL, prepared once: a bundle links thousands of statements in one go.
    await this.db.execute(
      `INSERT INTO statement_claims (claim_id, statement_id, stance, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (statement_id, claim_id) DO UPDATE SET stance = excluded.stance`,
      [claimId, statementId, stance, now],
    );
  }

  async deleteLink(claimId: number, statementId: number): Promise<number> {
    return (
      await this.db.run(
        this.db.kysely.deleteFrom('statement_claims').where('claim_id', '=', claimId).where('statement_id', '=', statementId),
      )
    ).changes;
  }

  async linkCount(id: number): Promise<number> {
    return (await this.db.queryFirst<{ n: number }>('SELECT count(*) AS n FROM statement_claims WHERE claim_id = ?', [id]))!.n;
  }
}
