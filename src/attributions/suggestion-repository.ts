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

const ACTOR_COLUMNS = `a.id, a.name, a.description, a.identity_status AS identityStatus, f.name AS actsForName
  FROM actors a LEFT JOIN actors f ON f.id = a.acts_for_id`;

/** What suggestions read to match an article against the records. Only public actor fields: never attestation or notes. */
export class SuggestionRepository {
  constructor(private readonly db: Db) {}

  actorsNamed(name: string): ActorCandidate[] {
    const n = name.toLowerCase().replace(/^the /, '');
    return this.db
      .prepare(`SELECT ${ACTOR_COLUMNS} WHERE lower(a.name) IN (?, ?) ORDER BY a.id LIMIT 20`)
      .all(n, `the ${n}`) as ActorCandidate[];
  }

  actorsDescribed(description: string): ActorCandidate[] {
    return this.db
      .prepare(`SELECT ${ACTOR_COLUMNS} WHERE lower(a.description) = ? ORDER BY a.id LIMIT 20`)
      .all(description.toLowerCase()) as ActorCandidate[];
  }

  actor(id: number): ActorCandidate | undefined {
    return this.db.prepare(`SELECT ${ACTOR_COLUMNS} WHERE a.id = ?`).get(id) as ActorCandidate | undefined;
  }

  /** Records a bundle namespace made, as `type:id`, so a second look does not mistake them for older records. */
  namespaceRecords(namespace: string): Set<string> {
    const rows = this.db.prepare('SELECT record_type AS type, record_id AS id FROM bundle_keys WHERE namespace = ?').all(namespace) as {
      type: string;
      id: number;
    }[];
    return new Set(rows.map((r) => `${r.type}:${r.id}`));
  }

  /** The record a namespace's key became, if it still exists. */
  keyed(namespace: string, type: 'actor' | 'statement' | 'tag', key: string): number | undefined {
    const table = type === 'actor' ? 'actors' : type === 'statement' ? 'statements' : 'tags';
    const row = this.db
      .prepare(
        `SELECT b.record_id AS id FROM bundle_keys b JOIN ${table} t ON t.id = b.record_id WHERE b.namespace = ? AND b.record_type = ? AND b.key = ?`,
      )
      .get(namespace, type, key) as { id: number } | undefined;
    return row?.id;
  }

  anchoredTags(documentId: number): TagSpan[] {
    return this.db
      .prepare('SELECT id, start, "end", statement_id AS statementId FROM tags WHERE document_id = ? AND start IS NOT NULL ORDER BY start')
      .all(documentId) as TagSpan[];
  }

  documentHopExists(statementId: number, documentId: number): boolean {
    return this.db.prepare('SELECT 1 FROM relays WHERE statement_id = ? AND document_id = ?').get(statementId, documentId) !== undefined;
  }
}
