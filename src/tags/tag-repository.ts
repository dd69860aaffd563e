import type { Insertable } from 'kysely';
import { actorSummaryColumns, type ActorSummaryColumns } from '../actors/actor-repository.js';
import type { Db, Row } from '../db/database.js';
import type { TagsTable } from '../db/tables.js';

export type TagRow = Row<'tags'>;

/** A tag with its speaker's summary, never the speaker's confidential columns. */
export type TagView = TagRow & ActorSummaryColumns<'speaker_'>;

/** One re-anchored tag, as written back. */
export interface TagAnchorUpdate {
  id: number;
  start: number | null;
  end: number | null;
  exact: string;
  prefix: string;
  suffix: string;
  status: string;
  score: number;
  modified_at: string;
  anchored_at: string;
}

// Text order; orphans (no offsets) after every placed tag.
const TEXT_ORDER = `t."start" IS NULL, t."start", t."end", t.id`;

const VIEW_SQL = `
  SELECT t.*, ${actorSummaryColumns('a', 'speaker_')}
  FROM tags t
  JOIN statements s ON s.id = t.statement_id
  JOIN actors a ON a.id = s.speaker_id`;

export class TagRepository {
  constructor(private readonly db: Db) {}

  get(id: number): TagView | undefined {
    return this.db.prepare(`${VIEW_SQL} WHERE t.id = ?`).get(id) as TagView | undefined;
  }

  /** A document's tags with their speakers, in text order. */
  listForDocument(documentId: number, status?: string): TagView[] {
    return (
      status
        ? this.db.prepare(`${VIEW_SQL} WHERE t.document_id = ? AND t.status = ? ORDER BY ${TEXT_ORDER}`).all(documentId, status)
        : this.db.prepare(`${VIEW_SQL} WHERE t.document_id = ? ORDER BY ${TEXT_ORDER}`).all(documentId)
    ) as TagView[];
  }

  countsForDocument(documentId: number): Record<string, number> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM tags WHERE document_id = ? GROUP BY status').all(documentId) as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Everything re-anchoring needs, for every tag of a document, in one query. */
  anchorsForDocument(documentId: number): TagRow[] {
    return this.db.all(this.db.kysely.selectFrom('tags').selectAll().where('document_id', '=', documentId).orderBy('id'));
  }

  insert(row: Insertable<TagsTable>): number {
    return this.db.run(this.db.kysely.insertInto('tags').values(row)).lastInsertRowid;
  }

  delete(id: number): number {
    return this.db.run(this.db.kysely.deleteFrom('tags').where('id', '=', id)).changes;
  }

  /** Writes many re-anchored tags with one statement. */
  updateAnchors(updates: TagAnchorUpdate[]): void {
    if (updates.length === 0) return;
    this.db
      .prepare(`
      UPDATE tags SET "start" = u."start", "end" = u."end", exact = u.exact, prefix = u.prefix, suffix = u.suffix,
        status = u.status, score = u.score, modified_at = u.modified_at, anchored_at = u.anchored_at
      FROM (SELECT value ->> 'id' AS id, value ->> 'start' AS "start", value ->> 'end' AS "end", value ->> 'exact' AS exact,
                   value ->> 'prefix' AS prefix, value ->> 'suffix' AS suffix, value ->> 'status' AS status,
                   value ->> 'score' AS score, value ->> 'modified_at' AS modified_at, value ->> 'anchored_at' AS anchored_at
            FROM json_each(?)) AS u
      WHERE tags.id = u.id`)
      .run(JSON.stringify(updates));
  }

  /** A repaired tag: placed at a span of the current body, whose text becomes its quote. */
  repair(id: number, fields: Omit<TagAnchorUpdate, 'id'> & { quote: string }): void {
    this.db.run(this.db.kysely.updateTable('tags').set(fields).where('id', '=', id));
  }

  /** This document's hop for the statement: relayed by the document's outlet, in the document. */
  hopsFor(statementId: number, documentId: number, outletId: number): Array<Row<'relays'>> {
    return this.db.all(
      this.db.kysely
        .selectFrom('relays')
        .selectAll()
        .where('statement_id', '=', statementId)
        .where('document_id', '=', documentId)
        .where('relayed_by_id', '=', outletId)
        .orderBy('id'),
    );
  }
}
