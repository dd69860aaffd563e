import type { Updateable } from 'kysely';
import type { Db, NewRow, Row } from '../db/database.js';
import type { ActorsTable } from '../db/tables.js';
import { selectReferences, type Reference } from '../db/references.js';

export type ActorRow = Row<'actors'>;

// What every answer that names an actor shows of it (ActorSummary): never a confidential column.
const SUMMARY_COLUMNS = ['id', 'kind', 'identity_status', 'name', 'description', 'affiliation'] as const;
type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];

/** An actor summary as a query reads it, each column named `prefix` + its name. */
export type ActorSummaryColumns<P extends string = ''> = { [C in SummaryColumn as `${P}${C}`]: ActorRow[C] };

/** An actor summary with whom the actor acts for (provenance and audits follow it one level up). */
export interface ActorSummaryRow extends ActorSummaryColumns {
  acts_for_id: number | null;
}

/** The SELECT list of an actor summary from the actors table under `alias`, each column named `prefix` + its name. */
export const actorSummaryColumns = (alias: string, prefix = ''): string =>
  SUMMARY_COLUMNS.map((c) => `${alias}.${c}${prefix ? ` AS ${prefix}${c}` : ''}`).join(', ');

export interface ActorFilter {
  kind?: string;
  identityStatus?: string;
  actsForId?: number;
}

export class ActorRepository {
  constructor(private readonly db: Db) {}

  get(id: number): Promise<ActorRow | undefined> {
    return this.db.rowById('actors', id);
  }

  exists(id: number): Promise<boolean> {
    return this.db.hasId('actors', id);
  }

  list(filter: ActorFilter, afterId: number, limit: number): Promise<ActorRow[]> {
    let q = this.db.kysely.selectFrom('actors').selectAll().where('id', '>', afterId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.identityStatus) q = q.where('identity_status', '=', filter.identityStatus);
    if (filter.actsForId) q = q.where('acts_for_id', '=', filter.actsForId);
    return this.db.all(q.orderBy('id').limit(limit));
  }

  /** The new row, as stored. */
  insert(row: NewRow<'actors'>): Promise<ActorRow> {
    return this.db.insertRow('actors', row);
  }

  /** Rows inserted one after another in one call (Db.insertRows). */
  insertEach(count: number, row: (i: number) => NewRow<'actors'>, inserted: (i: number, id: number) => void): Promise<void> {
    return this.db.insertRows('actors', count, row, inserted);
  }

  async update(id: number, row: Updateable<ActorsTable>): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('actors').set(row).where('id', '=', id));
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('actors').where('id', '=', id))).changes;
  }

  /** Would setting `id` to act for `actsForId` close a loop of acting-for? */
  async actsForWouldCycle(id: number, actsForId: number): Promise<boolean> {
    const sql = `WITH RECURSIVE up(id) AS (
        SELECT CAST(? AS bigint) UNION ALL SELECT a.acts_for_id FROM actors a JOIN up ON a.id = up.id WHERE a.acts_for_id IS NOT NULL
      ) SELECT 1 FROM up WHERE id = ? LIMIT 1`;
    return (await this.db.queryFirst(sql, [actsForId, id])) !== undefined;
  }

  /** What points at this actor, a few of each kind: for a refused delete. */
  references(id: number, perKind = 20): Promise<Reference[]> {
    return selectReferences(this.db, 'actor', id, perKind);
  }
}
