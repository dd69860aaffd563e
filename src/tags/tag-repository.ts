import type { Insertable } from 'kysely';
import { actorSummaryColumns, type ActorSummaryColumns } from '../actors/actor-repository.js';
import type { Db, Row } from '../db/database.js';
import type { Dialect } from '../db/db.js';
import type { TagsTable } from '../db/tables.js';

export type TagRow = Row<'tags'>;

/** A tag with its speaker's summary, never the speaker's confidential columns. */
export type TagView = TagRow & ActorSummaryColumns<'speaker_'>;

/** A tag as the Web Annotation export reads it: with its statement's language and who created it. */
export type AnnotationView = TagView & {
  statement_language: string | null;
  /** The API key whose request created the tag (null: the CLI, the demo, or history switched off). */
  creator_key_id: number | null;
  creator_key_name: string | null;
};

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

// The updates, one JSON array parameter, as rows u: json_each on SQLite, jsonb_to_recordset (typed) on PostgreSQL.
const ANCHOR_ROWS: Record<Dialect, string> = {
  sqlite: `(SELECT value ->> 'id' AS id, value ->> 'start' AS "start", value ->> 'end' AS "end", value ->> 'exact' AS exact,
                   value ->> 'prefix' AS prefix, value ->> 'suffix' AS suffix, value ->> 'status' AS status,
                   value ->> 'score' AS score, value ->> 'modified_at' AS modified_at, value ->> 'anchored_at' AS anchored_at
            FROM json_each(?)) AS u`,
  postgres: `jsonb_to_recordset(CAST(? AS jsonb)) AS u(id bigint, "start" bigint, "end" bigint, exact text, prefix text,
            suffix text, status text, score double precision, modified_at text, anchored_at text)`,
};

export class TagRepository {
  constructor(private readonly db: Db) {}

  get(id: number): Promise<TagView | undefined> {
    return this.db.queryFirst<TagView>(`${VIEW_SQL} WHERE t.id = ?`, [id]);
  }

  /** A document's tags with their speakers, in text order. */
  async listForDocument(documentId: number, status?: string): Promise<TagView[]> {
    return status
      ? await this.db.query<TagView>(`${VIEW_SQL} WHERE t.document_id = ? AND t.status = ? ORDER BY ${TEXT_ORDER}`, [documentId, status])
      : await this.db.query<TagView>(`${VIEW_SQL} WHERE t.document_id = ? ORDER BY ${TEXT_ORDER}`, [documentId]);
  }

  /**
   * A document's tags for its annotations, in text order. The creating key is the one that wrote the
   * tag's latest insert in the history (a deleted tag's id can be reused).
   */
  annotationViews(documentId: number): Promise<AnnotationView[]> {
    return this.db.query<AnnotationView>(
      `
      SELECT v.*, k.id AS creator_key_id, k.name AS creator_key_name
      FROM (SELECT t.*, ${actorSummaryColumns('a', 'speaker_')}, s.language AS statement_language,
                   (SELECT c.key_id FROM changes c
                    WHERE c.record_type = 'tag' AND c.record_id = CAST(t.id AS TEXT) AND c.action = 'insert'
                    ORDER BY c.seq DESC LIMIT 1) AS key_id
            FROM tags t JOIN statements s ON s.id = t.statement_id JOIN actors a ON a.id = s.speaker_id
            WHERE t.document_id = ?) v
      LEFT JOIN api_keys k ON k.id = v.key_id
      ORDER BY v."start" IS NULL, v."start", v."end", v.id`,
      [documentId],
    );
  }

  async countsForDocument(documentId: number): Promise<Record<string, number>> {
    const rows = await this.db.query<{ status: string; n: number }>(
      'SELECT status, count(*) AS n FROM tags WHERE document_id = ? GROUP BY status',
      [documentId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Everything re-anchoring needs, for every tag of a document, in one query. */
  anchorsForDocument(documentId: number): Promise<TagRow[]> {
    return this.db.all(this.db.kysely.selectFrom('tags').selectAll().where('document_id', '=', documentId).orderBy('id'));
  }

  async insert(row: Insertable<TagsTable>): Promise<number> {
    return (await this.db.run(this.db.kysely.insertInto('tags').values(row).returning('id'))).row!.id;
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('tags').where('id', '=', id))).changes;
  }

  /** Writes many re-anchored tags with one statement. */
  async updateAnchors(updates: TagAnchorUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.db.execute(
      `
      UPDATE tags SET "start" = u."start", "end" = u."end", exact = u.exact, prefix = u.prefix, suffix = u.suffix,
        status = u.status, score = u.score, modified_at = u.modified_at, anchored_at = u.anchored_at
      FROM ${ANCHOR_ROWS[this.db.dialect]}
      WHERE tags.id = u.id`,
      [JSON.stringify(updates)],
    );
  }

  /** A repaired tag: placed at a span of the current body, whose text becomes its quote. */
  async repair(id: number, fields: Omit<TagAnchorUpdate, 'id'> & { quote: string }): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('tags').set(fields).where('id', '=', id));
  }

  /** This document's hop for the statement: relayed by the document's outlet, in the document. */
  hopsFor(statementId: number, documentId: number, outletId: number): Promise<Array<Row<'relays'>>> {
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
