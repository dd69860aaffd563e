import type { Db, Row, SqliteDb } from '../db/database.js';

export interface LinkRow {
  statement_id: number;
  claim_id: number;
  stance: string;
}

/** Whole-table reads in id order, for the export of everything. */
export class TransferRepository {
  constructor(private readonly db: Db) {}

  actors(): AsyncIterable<Row<'actors'>> {
    return this.db.stream('SELECT * FROM actors ORDER BY id');
  }

  documents(): AsyncIterable<Row<'documents'>> {
    return this.db.stream('SELECT * FROM documents ORDER BY id');
  }

  statements(): AsyncIterable<Row<'statements'>> {
    return this.db.stream('SELECT * FROM statements ORDER BY id');
  }

  claims(): AsyncIterable<Row<'claims'>> {
    return this.db.stream('SELECT * FROM claims ORDER BY id');
  }

  relays(): AsyncIterable<Row<'relays'>> {
    return this.db.stream('SELECT * FROM relays ORDER BY id');
  }

  links(): AsyncIterable<LinkRow> {
    return this.db.stream('SELECT statement_id, claim_id, stance FROM statement_claims ORDER BY statement_id, claim_id');
  }

  tags(): AsyncIterable<Row<'tags'>> {
    return this.db.stream('SELECT * FROM tags ORDER BY id');
  }

  /** The first link of the change history: unique to a database and kept by its backups and copies. */
  async firstChangeHash(): Promise<string | null> {
    const row = await this.db.queryFirst<{ hash: string }>('SELECT hash FROM changes ORDER BY seq LIMIT 1');
    return row?.hash ?? null;
  }

  /**
   * Reads until `endRead` see one moment of the database, whatever other connections write meanwhile.
   * SQLite only for now: a deferred BEGIN on the export's own connection, which nothing else uses.
   */
  beginRead(): void {
    if (this.db.dialect === 'sqlite') (this.db as SqliteDb).sqlite.exec('BEGIN');
  }

  endRead(): void {
    if (this.db.dialect === 'sqlite' && (this.db as SqliteDb).sqlite.inTransaction) (this.db as SqliteDb).sqlite.exec('COMMIT');
  }
}
