import type { Updateable } from 'kysely';
import type { Db, NewRow, Row } from '../db/database.js';
import type { RelaysTable } from '../db/tables.js';
import { selectReferences, type Reference } from '../db/references.js';

export type RelayRow = Row<'relays'>;

export class RelayRepository {
  /** Public so a service can run a write that may be refused in its own savepoint (writeThenExplain). */
  constructor(readonly db: Db) {}

  get(id: number): Promise<RelayRow | undefined> {
    return this.db.rowById('relays', id);
  }

  exists(id: number): Promise<boolean> {
    return this.db.hasId('relays', id);
  }

  /** The new row, as stored. */
  insert(row: NewRow<'relays'>): Promise<RelayRow> {
    return this.db.insertRow('relays', row);
  }

  /** Rows inserted one after another in one call (Db.insertRows). */
  insertEach(count: number, row: (i: number) => NewRow<'relays'>, inserted: (i: number, id: number) => void): Promise<void> {
    return this.db.insertRows('relays', count, row, inserted);
  }

  async update(id: number, row: Updateable<RelaysTable>): Promise<void> {
    await this.db.run(this.db.kysely.updateTable('relays').set(row).where('id', '=', id));
  }

  async delete(id: number): Promise<number> {
    return (await this.db.run(this.db.kysely.deleteFrom('relays').where('id', '=', id))).changes;
  }

  /** Is `relayId` among the ancestors of `viaId` (or viaId itself)? Then via would close a cycle. */
  async isAncestorOrSelf(relayId: number, viaId: number): Promise<boolean> {
    const sql = `WITH RECURSIVE up(id, via) AS (
        SELECT id, via_relay_id FROM relays WHERE id = ?
        UNION ALL SELECT r.id, r.via_relay_id FROM relays r JOIN up ON r.id = up.via
      ) SELECT 1 FROM up WHERE id = ? LIMIT 1`;
    return (await this.db.queryFirst(sql, [viaId, relayId])) !== undefined;
  }

  references(id: number, perKind = 20): Promise<Reference[]> {
    return selectReferences(this.db, 'relay', id, perKind);
  }
}
