import type { Db, Row } from '../db/database.js';

export interface LinkRow {
  statement_id: number;
  claim_id: number;
  stance: string;
}

/** Whole-table reads in id order, for the export of everything. */
export class TransferRepository {
  constructor(private readonly db: Db) {}

  actors(): IterableIterator<Row<'actors'>> {
    return this.db.prepare('SELECT * FROM actors ORDER BY id').iterate() as IterableIterator<Row<'actors'>>;
  }

  documents(): IterableIterator<Row<'documents'>> {
    return this.db.prepare('SELECT * FROM documents ORDER BY id').iterate() as IterableIterator<Row<'documents'>>;
  }

  statements(): IterableIterator<Row<'statements'>> {
    return this.db.prepare('SELECT * FROM statements ORDER BY id').iterate() as IterableIterator<Row<'statements'>>;
  }

  claims(): IterableIterator<Row<'claims'>> {
    return this.db.prepare('SELECT * FROM claims ORDER BY id').iterate() as IterableIterator<Row<'claims'>>;
  }

  relays(): IterableIterator<Row<'relays'>> {
    return this.db.prepare('SELECT * FROM relays ORDER BY id').iterate() as IterableIterator<Row<'relays'>>;
  }

  links(): IterableIterator<LinkRow> {
    return this.db
      .prepare('SELECT statement_id, claim_id, stance FROM statement_claims ORDER BY statement_id, claim_id')
      .iterate() as IterableIterator<LinkRow>;
  }

  tags(): IterableIterator<Row<'tags'>> {
    return this.db.prepare('SELECT * FROM tags ORDER BY id').iterate() as IterableIterator<Row<'tags'>>;
  }

  /** The first link of the change history: unique to a database and kept by its backups and copies. */
  firstChangeHash(): string | null {
    const row = this.db.prepare('SELECT hash FROM changes ORDER BY seq LIMIT 1').get() as { hash: string } | undefined;
    return row?.hash ?? null;
  }

  /** Reads until `endRead` see one moment of the database, whatever other connections write meanwhile. */
  beginRead(): void {
    this.db.sqlite.exec('BEGIN');
  }

  endRead(): void {
    if (this.db.sqlite.inTransaction) this.db.sqlite.exec('COMMIT');
  }
}
