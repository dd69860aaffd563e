import type { Db } from '../db/database.js';
import type { IdentityStatus } from '../generated/schema-types.js';

export interface ActorCandidate {
  id: number;
  name: string | null;
  description: string | null;
  identityStatus: IdentityStatus;
  actsForName: string | null;
}

export interface TagSpan {
  id: number;
  start: number;
  end: number;
  statementId: number;
}

const ACTOR_COLUMNS = `a.id, a.name, a.description, a.identity_status AS "identityStatus", f.name AS "actsForName"
  FROM actors a LEFT JOIN actors f ON f.id = a.acts_for_id`;

/** What suggestions read to match an article against the records. Only public actor fields: never attestation or notes. */
export class SuggestionRepository {
  constructor(private readonly db: Db) {}

  actorsNamed(name: string): Promise<ActorCandidate[]> {
    const n = name.toLowerCase().replace(/^the /, '');
    return this.db.query<ActorCandidate>(`SELECT ${ACTOR_COLUMNS} WHERE lower(a.name) IN (?, ?) ORDER BY a.id LIMIT 20`, [n, `the ${n}`]);
  }

  actorsDescribed(description: string): Promise<ActorCandidate[]> {
    return this.db.query<ActorCandidate>(`SELECT ${ACTOR_COLUMNS} WHERE lower(a.description) = ? ORDER BY a.id LIMIT 20`, [
      description.toLowerCase(),
    ]);
  }

  actor(id: number): Promise<ActorCandidate | undefined> {
    return this.db.queryFirst<ActorCandidate>(`SELECT ${ACTOR_COLUMNS} WHERE a.id = ?`, [id]);
  }

  /** Records a bundle namespace made, as `type:id`, so a second look does not mistake them for older records. */
  async namespaceRecords(namespace: string): Promise<Set<string>> {
    const rows = await this.db.query<{ type: string; id: number }>(
      'SELECT record_type AS type, record_id AS id FROM bundle_keys WHERE namespace = ?',
      [namespace],
    );
    return new Set(rows.map((r) => `${r.type}:${r.id}`));
  }

  /** The record a namespace's key became, if it still exists. */
  async keyed(namespace: string, type: 'actor' | 'statement' | 'tag', key: string): Promise<number | undefined> {
    const table = type === 'actor' ? 'actors' : type === 'statement' ? 'statements' : 'tags';
    const row = await this.db.queryFirst<{ id: number }>(
      `SELECT b.record_id AS id FROM bundle_keys b JOIN ${table} t ON t.id = b.record_id WHERE b.namespace = ? AND b.record_type = ? AND b.key = ?`,
      [namespace, type, key],
    );
    return row?.id;
  }

  anchoredTags(documentId: number): Promise<TagSpan[]> {
    return this.db.query<TagSpan>(
      'SELECT id, start, "end", statement_id AS "statementId" FROM tags WHERE document_id = ? AND start IS NOT NULL ORDER BY start',
      [documentId],
    );
  }

  async documentHopExists(statementId: number, documentId: number): Promise<boolean> {
    return (
      (await this.db.queryFirst('SELECT 1 FROM relays WHERE statement_id = ? AND document_id = ?', [statementId, documentId])) !== undefined
    );
  }
}
