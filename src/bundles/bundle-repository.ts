import type { Db } from '../db/database.js';

export type RecordType = 'actor' | 'document' | 'statement' | 'relay' | 'claim' | 'tag';

const TABLES: Record<RecordType, string> = {
  actor: 'actors',
  document: 'documents',
  statement: 'statements',
  relay: 'relays',
  claim: 'claims',
  tag: 'tags',
};

export class BundleRepository {
  constructor(private readonly db: Db) {}

  /** The record a key became, if that record still exists. */
  lookup(namespace: string, type: RecordType, key: string): { recordId: number; digest: string } | undefined {
    const row = this.db
      .prepare(
        `SELECT b.record_id AS recordId, b.digest FROM bundle_keys b JOIN ${TABLES[type]} t ON t.id = b.record_id
       WHERE b.namespace = ? AND b.record_type = ? AND b.key = ?`,
      )
      .get(namespace, type, key) as { recordId: number; digest: string } | undefined;
    return row;
  }

  remember(namespace: string, type: RecordType, key: string, recordId: number, digest: string): void {
    this.db.run(
      this.db.kysely
        .insertInto('bundle_keys')
        .values({ namespace, record_type: type, key, record_id: recordId, digest })
        .onConflict((oc) => oc.columns(['namespace', 'record_type', 'key']).doUpdateSet({ record_id: recordId, digest })),
    );
  }

  exists(type: RecordType, id: number): boolean {
    return this.db.prepare(`SELECT 1 FROM ${TABLES[type]} WHERE id = ?`).get(id) !== undefined;
  }
}
