import type { Db, IdTable } from '../db/database.js';
import { idList } from '../db/id-list.js';

export type RecordType = 'actor' | 'document' | 'statement' | 'relay' | 'claim' | 'tag';

const TABLES: Record<RecordType, IdTable> = {
  actor: 'actors',
  document: 'documents',
  statement: 'statements',
  relay: 'relays',
  claim: 'claims',
  tag: 'tags',
};

/** The record a bundle key became, and the digest of the item that made it. */
export interface KnownKey {
  recordId: number;
  digest: string;
}

/** The advisory lock class of bundle namespaces on PostgreSQL (the second key is the namespace's hash). */
const NAMESPACE_LOCK = 7308;

export class BundleRepository {
  constructor(private readonly db: Db) {}

  /**
   * Makes the bundles of a namespace take turns until the current transaction ends. Two processes on one
   * PostgreSQL database may apply the same bundle at once: each would find its keys unused and create every
   * record, and the keys would end up naming only the second copy. Taken first, the lock makes the second
   * wait and then read the keys the first stored: its items are "existing". (On SQLite a write transaction
   * already holds the database's one write lock from its start.)
   */
  async lockNamespace(namespace: string): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.query('SELECT pg_advisory_xact_lock(?, hashtext(?))', [NAMESPACE_LOCK, namespace]);
  }

  /** The records these keys became, where those records still exist: one query for all of a bundle's keys of a type. */
  async lookupAll(namespace: string, type: RecordType, keys: Iterable<string>): Promise<Map<string, KnownKey>> {
    const list = this.db.dialect === 'postgres' ? 'SELECT unnest(CAST(? AS text[]))' : 'SELECT value FROM json_each(?)';
    const rows = await this.db.query<KnownKey & { key: string }>(
      `SELECT b.key, b.record_id AS "recordId", b.digest FROM bundle_keys b JOIN ${TABLES[type]} t ON t.id = b.record_id
         WHERE b.namespace = ? AND b.record_type = ? AND b.key IN (${list})`,
      [namespace, type, this.db.dialect === 'postgres' ? [...keys] : JSON.stringify([...keys])],
    );
    return new Map(rows.map(({ key, ...known }) => [key, known]));
  }

  /** Remembers what each key became, all in one statement (a bundle has thousands). */
  async rememberAll(namespace: string, keys: Array<[type: RecordType, key: string, recordId: number, digest: string]>): Promise<void> {
    if (keys.length === 0) return;
    if (this.db.dialect === 'postgres') {
      const column = (i: number) => keys.map((k) => k[i]);
      await this.db.execute(
        `INSERT INTO bundle_keys (namespace, record_type, key, record_id, digest)
         SELECT ?, k.record_type, k.key, k.record_id, k.digest
         FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[])) AS k(record_type, key, record_id, digest)
         ON CONFLICT (namespace, record_type, key) DO UPDATE SET record_id = excluded.record_id, digest = excluded.digest`,
        [namespace, column(0), column(1), column(2), column(3)],
      );
      return;
    }
    // WHERE true: without it SQLite would read ON CONFLICT as a join constraint of the SELECT.
    await this.db.execute(
      `INSERT INTO bundle_keys (namespace, record_type, key, record_id, digest)
         SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
         ON CONFLICT (namespace, record_type, key) DO UPDATE SET record_id = excluded.record_id, digest = excluded.digest`,
      [namespace, JSON.stringify(keys)],
    );
  }

  /** Which of these ids name a record of the type: one query for all of a bundle's references by id. */
  async existing(type: RecordType, ids: Iterable<number>): Promise<Set<number>> {
    const list = idList(this.db.dialect);
    const rows = await this.db.query<{ id: number }>(`SELECT id FROM ${TABLES[type]} WHERE id IN (${list.set})`, [list.param([...ids])]);
    return new Set(rows.map((r) => r.id));
  }
}
