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
  constructor(private readonly db: Db) {}

  get(id: number): ClaimRow | undefined {
    return this.db.rowById('claims', id);
  }

  exists(id: number): boolean {
    return this.db.hasId('claims', id);
  }

  list(f: { statementId?: number; rated?: boolean }, afterId: number, limit: number): ClaimRow[] {
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
  insert(row: NewRow<'claims'>): ClaimRow {
    return this.db.insertRow('claims', row);
  }

  update(id: number, row: Updateable<ClaimsTable>): void {
    this.db.run(this.db.kysely.updateTable('claims').set(row).where('id', '=', id));
  }

  delete(id: number): number {
    return this.db.run(this.db.kysely.deleteFrom('claims').where('id', '=', id)).changes;
  }

  statementsOf(id: number): ClaimStatementRow[] {
    return this.db.all(
      this.db.kysely
        .selectFrom('statement_claims as sc')
        .innerJoin('statements as s', 's.id', 'sc.statement_id')
        .select(['sc.statement_id as statementId', 'sc.stance', 's.speaker_id as speakerId', 's.text'])
        .where('sc.claim_id', '=', id)
        .orderBy('sc.statement_id'),
    );
  }

  getLink(claimId: number, statementId: number): { stance: string } | undefined {
    return this.db.prepare('SELECT stance FROM statement_claims WHERE claim_id = ? AND statement_id = ?').get(claimId, statementId) as
      | { stance: string }
      | undefined;
  }

  upsertLink(claimId: number, statementId: number, stance: string, now: string): void {
    // Plain SQL, prepared once: a bundle links thousands of statements in one go.
    this.db
      .prepare(
        `INSERT INTO statement_claims (claim_id, statement_id, stance, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (statement_id, claim_id) DO UPDATE SET stance = excluded.stance`,
      )
      .run(claimId, statementId, stance, now);
  }

  deleteLink(claimId: number, statementId: number): number {
    return this.db.run(
      this.db.kysely.deleteFrom('statement_claims').where('claim_id', '=', claimId).where('statement_id', '=', statementId),
    ).changes;
  }

  linkCount(id: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM statement_claims WHERE claim_id = ?').get(id) as { n: number }).n;
  }
}
