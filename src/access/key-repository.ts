import type { Db, Row } from '../db/database.js';

export type KeyRow = Row<'api_keys'>;

export class KeyRepository {
  constructor(private readonly db: Db) {}

  /** Read on every request that carries a key: one statement prepared once, no query built per call. */
  get(id: number): Promise<KeyRow | undefined> {
    return this.db.rowById('api_keys', id);
  }

  /** Changes whenever a key may have changed (Db.readVersion). */
  readVersion(): string | null {
    return this.db.readVersion();
  }

  list(afterId: number, limit: number, includeRevoked: boolean): Promise<KeyRow[]> {
    let q = this.db.kysely.selectFrom('api_keys').selectAll().where('id', '>', afterId);
    if (!includeRevoked) q = q.where('revoked_at', 'is', null);
    return this.db.all(q.orderBy('id').limit(limit));
  }

  async insert(row: { name: string; role: string; hash: string; created_at: string; created_by: number | null }): Promise<number> {
    return (await this.db.insertRow('api_keys', { ...row, revoked_at: null })).id;
  }

  async revoke(id: number, at: string): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id));
  }

  async count(): Promise<number> {
    return (await this.db.queryFirst<{ n: number }>('SELECT count(*) AS n FROM api_keys'))!.n;
  }
}
