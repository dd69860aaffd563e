import type { Db } from './database.js';

/** A record that points at another, named as an API client knows it. */
export interface Reference {
  type: string;
  id: number;
  field: string;
}

/** One way a record can be pointed at: rows of `table` whose `column` holds its id (their id in `idColumn`). */
export interface ReferenceKind {
  type: string;
  table: string;
  column: string;
  field: string;
  idColumn?: string;
}

// Every foreign key a delete without cascade must respect, by the kind of record it points at.
const REFERENCED_BY = {
  actor: [
    { type: 'statement', table: 'statements', column: 'speaker_id', field: 'speakerId' },
    { type: 'statement', table: 'statements', column: 'medium_publisher_id', field: 'mediumPublisherId' },
    { type: 'relay', table: 'relays', column: 'relayed_by_id', field: 'relayedById' },
    { type: 'document', table: 'documents', column: 'outlet_id', field: 'outletId' },
    { type: 'actor', table: 'actors', column: 'acts_for_id', field: 'actsForId' },
  ],
  statement: [
    { type: 'relay', table: 'relays', column: 'statement_id', field: 'statementId' },
    { type: 'claim', table: 'statement_claims', column: 'statement_id', field: 'statementId', idColumn: 'claim_id' },
    { type: 'tag', table: 'tags', column: 'statement_id', field: 'statementId' },
  ],
  relay: [
    { type: 'relay', table: 'relays', column: 'via_relay_id', field: 'viaRelayId' },
    { type: 'tag', table: 'tags', column: 'relay_id', field: 'relayId' },
  ],
  document: [
    { type: 'relay', table: 'relays', column: 'document_id', field: 'documentId' },
    { type: 'tag', table: 'tags', column: 'document_id', field: 'documentId' },
  ],
} satisfies Record<string, ReferenceKind[]>;

/** What points at a record, a few of each kind: what a refused delete names. */
export function selectReferences(db: Db, type: keyof typeof REFERENCED_BY, id: number, perKind = 20): Promise<Reference[]> {
  const kinds: ReferenceKind[] = REFERENCED_BY[type];
  const sql = kinds
    // Each subquery named: PostgreSQL before 16 refuses an unnamed one in FROM.
    .map(
      (k, i) =>
        `SELECT * FROM (SELECT '${k.type}' AS type, ${k.idColumn ?? 'id'} AS id, '${k.field}' AS field FROM ${k.table} WHERE ${k.column} = ? LIMIT ?) AS r${i}`,
    )
    .join(' UNION ALL ');
  return db.query<Reference>(
    sql,
    kinds.flatMap(() => [id, perKind]),
  );
}
