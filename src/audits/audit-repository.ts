// All the SQL of audits and exports: a scope's data in a few set-based queries, whatever its size.
// Ids travel as one JSON array parameter (json_each), so each query is prepared once and cached.
import type { Db } from '../db/database.js';
import { actorSummaryColumns, type ActorSummaryRow } from '../actors/actor-repository.js';
import { selectHops, type HopRow } from '../provenance/provenance-repository.js';

/** What an audit reads of an actor: the summary, the reason for anonymity, and whether (never by whom) it is attested. */
export interface AuditActorRow extends ActorSummaryRow {
  anonymity_reason: string | null;
  attested: number;
}

export interface AuditStatementRow {
  id: number;
  speaker_id: number;
  text: string;
  text_form: string;
  kind: string;
  said_on: string | null;
  medium: string | null;
  medium_publisher_id: number | null;
  circumstances: string;
  language: string | null;
}

export interface ClaimLinkRow {
  claim_id: number;
  text: string;
  verdict: string | null;
  statement_id: number | null;
  stance: string | null;
}

export interface TagRow {
  id: number;
  document_id: number;
  statement_id: number | null;
  relay_id: number | null;
  start: number | null;
  end: number | null;
  exact: string | null;
  status: string | null;
  quote: string | null;
  score: number | null;
}

export interface VerbatimMissRow {
  relay_id: number;
  document_id: number;
  body: string;
}

export interface DocumentSourceRow {
  document_id: number;
  relayer_id: number;
  source_id: number;
  source_status: string;
}

export interface DocumentRow {
  id: number;
  title: string;
  url: string | null;
  outlet_id: number;
  published_on: string | null;
}

const ids = (list: Iterable<number>) => JSON.stringify([...new Set(list)]);

// The one place actors are read for audits and exports. The attestation is read only as "is there one":
// its content and the confidential notes never leave the database.
const ACTORS_SQL = `
  WITH RECURSIVE wanted(id) AS (
    SELECT value FROM json_each(?)
    UNION
    SELECT a.acts_for_id FROM actors a JOIN wanted w ON a.id = w.id WHERE a.acts_for_id IS NOT NULL
  )
  SELECT ${actorSummaryColumns('a')}, a.anonymity_reason, a.acts_for_id,
         (a.attestation IS NOT NULL AND a.attestation NOT IN ('', 'null')) AS attested
  FROM actors a JOIN wanted w ON a.id = w.id ORDER BY a.id`;

const STATEMENT_COLUMNS =
  's.id, s.speaker_id, s.text, s.text_form, s.kind, s.said_on, s.medium, s.medium_publisher_id, s.circumstances, s.language';

// Every link of every claim that any of the given statements is linked to.
const CLAIMS_OF_STATEMENTS_SQL = `
  SELECT c.id AS claim_id, c.text, c.verdict, sc.statement_id, sc.stance
  FROM claims c LEFT JOIN statement_claims sc ON sc.claim_id = c.id
  WHERE c.id IN (SELECT DISTINCT x.claim_id FROM statement_claims x WHERE x.statement_id IN (SELECT value FROM json_each(?)))
  ORDER BY c.id, sc.statement_id`;

const CLAIMS_SQL = `
  SELECT c.id AS claim_id, c.text, c.verdict, sc.statement_id, sc.stance
  FROM claims c LEFT JOIN statement_claims sc ON sc.claim_id = c.id
  WHERE c.id IN (SELECT value FROM json_each(?))
  ORDER BY c.id, sc.statement_id`;

// The unnamed sources behind each (document, relayer) pair: who each of the relayer's hops in that
// document had its statement from (the earlier hop's relayer, or the speaker for a first hop).
const DOCUMENT_SOURCES_SQL = `
  SELECT DISTINCT r.document_id, r.relayed_by_id AS relayer_id, src.id AS source_id, src.identity_status AS source_status
  FROM json_each(?) j
  CROSS JOIN relays r ON r.document_id = j.value ->> 0 AND r.relayed_by_id = j.value ->> 1
  JOIN statements s ON s.id = r.statement_id
  LEFT JOIN relays p ON p.id = r.via_relay_id
  JOIN actors src ON src.id = COALESCE(p.relayed_by_id, s.speaker_id)
  WHERE src.identity_status <> 'named'`;

// Spans need the tag's anchor and, for hop findings, the hop it quotes.
const TAG_COLUMNS = 'id, document_id, statement_id, relay_id, start, "end", exact, status, quote, score';

// Verbatim hops whose document body does not hold the statement's text byte for byte: the few that
// QUOTE-ALTERED must compare after folding typography. instr() keeps the common case (the words are there)
// inside SQLite, so bodies are only read for the hops that need a closer look.
const VERBATIM_MISSES_SQL = `
  SELECT r.id AS relay_id, d.id AS document_id, d.body
  FROM json_each(?) j
  CROSS JOIN relays r ON r.id = j.value
  JOIN statements s ON s.id = r.statement_id
  JOIN documents d ON d.id = r.document_id
  WHERE r.mode = 'verbatim' AND d.body IS NOT NULL AND d.body <> '' AND instr(d.body, s.text) = 0`;

export class AuditRepository {
  constructor(readonly db: Db) {}

  /** The same queries over another connection (a read snapshot for a long streamed report). */
  on(db: Db): AuditRepository {
    return new AuditRepository(db);
  }

  document(id: number): DocumentRow | undefined {
    return this.db.prepare('SELECT id, title, url, outlet_id, published_on FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
  }

  documents(list: Iterable<number>): DocumentRow[] {
    return this.db
      .prepare('SELECT id, title, url, outlet_id, published_on FROM documents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(ids(list)) as DocumentRow[];
  }

  claim(id: number): { id: number; text: string; verdict: string | null; updatedAt: string } | undefined {
    return this.db.prepare('SELECT id, text, verdict, updated_at AS updatedAt FROM claims WHERE id = ?').get(id) as
      | { id: number; text: string; verdict: string | null; updatedAt: string }
      | undefined;
  }

  actorExists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM actors WHERE id = ?').get(id) !== undefined;
  }

  statementIdsOfDocument(id: number): number[] {
    return this.db
      .prepare(
        'SELECT statement_id FROM relays WHERE document_id = @id UNION SELECT statement_id FROM tags WHERE document_id = @id AND statement_id IS NOT NULL ORDER BY 1',
      )
      .pluck()
      .all({ id }) as number[];
  }

  statementIdsOfClaim(id: number): number[] {
    return this.db
      .prepare('SELECT statement_id FROM statement_claims WHERE claim_id = ? ORDER BY statement_id')
      .pluck()
      .all(id) as number[];
  }

  statementIdsOfActor(id: number): number[] {
    return this.db
      .prepare(
        'SELECT id FROM statements WHERE speaker_id = @id UNION SELECT statement_id FROM relays WHERE relayed_by_id = @id ORDER BY 1',
      )
      .pluck()
      .all({ id }) as number[];
  }

  statements(list: Iterable<number>): AuditStatementRow[] {
    return this.db
      .prepare(`SELECT ${STATEMENT_COLUMNS} FROM statements s WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id`)
      .all(ids(list)) as AuditStatementRow[];
  }

  /** Hops of these statements, ordered by statement, depth (1: nearest the speaker) and id. */
  hops(statementIds: Iterable<number>): HopRow[] {
    return selectHops(this.db, statementIds);
  }

  /** The actors asked for and everyone they act for, transitively. */
  actors(list: Iterable<number>): AuditActorRow[] {
    return this.db.prepare(ACTORS_SQL).all(ids(list)) as AuditActorRow[];
  }

  claimsOfStatements(statementIds: Iterable<number>): ClaimLinkRow[] {
    return this.db.prepare(CLAIMS_OF_STATEMENTS_SQL).all(ids(statementIds)) as ClaimLinkRow[];
  }

  claims(claimIds: Iterable<number>): ClaimLinkRow[] {
    return this.db.prepare(CLAIMS_SQL).all(ids(claimIds)) as ClaimLinkRow[];
  }

  tagsOfDocument(documentId: number): TagRow[] {
    return this.db.prepare(`SELECT ${TAG_COLUMNS} FROM tags WHERE document_id = ? ORDER BY id`).all(documentId) as TagRow[];
  }

  tagsOfStatements(statementIds: Iterable<number>): TagRow[] {
    return this.db
      .prepare(`SELECT ${TAG_COLUMNS} FROM tags WHERE statement_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(ids(statementIds)) as TagRow[];
  }

  tags(tagIds: Iterable<number>): TagRow[] {
    return this.db
      .prepare(`SELECT ${TAG_COLUMNS} FROM tags WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(ids(tagIds)) as TagRow[];
  }

  /** The verbatim hops among these whose document body lacks the statement's exact text, with the body. */
  verbatimMisses(hopIds: Iterable<number>): VerbatimMissRow[] {
    return this.db.prepare(VERBATIM_MISSES_SQL).all(ids(hopIds)) as VerbatimMissRow[];
  }

  /** Unnamed sources behind each [documentId, relayerId] pair. */
  documentSources(pairs: Array<[number, number]>): DocumentSourceRow[] {
    if (pairs.length === 0) return [];
    return this.db.prepare(DOCUMENT_SOURCES_SQL).all(JSON.stringify(pairs)) as DocumentSourceRow[];
  }

  /** Up to `perActor` statements spoken by each actor, for pointing actor findings at text. */
  statementIdsSpokenBy(actorIds: Iterable<number>, perActor: number): number[] {
    return this.db
      .prepare(`
      SELECT id FROM (
        SELECT s.id, row_number() OVER (PARTITION BY s.speaker_id ORDER BY s.id) AS n
        FROM statements s WHERE s.speaker_id IN (SELECT value FROM json_each(?))
      ) WHERE n <= ? ORDER BY id`)
      .pluck()
      .all(ids(actorIds), perActor) as number[];
  }

  // Keyset pages for the everything report: each page is read to its end before anything else runs.

  statementIdsAfter(after: number, limit: number): number[] {
    return [...this.db.prepare('SELECT id FROM statements WHERE id > ? ORDER BY id LIMIT ?').pluck().iterate(after, limit)] as number[];
  }

  anonymousActorIdsAfter(after: number, limit: number): number[] {
    return [
      ...this.db
        .prepare(`SELECT id FROM actors WHERE id > ? AND identity_status = 'anonymous' ORDER BY id LIMIT ?`)
        .pluck()
        .iterate(after, limit),
    ] as number[];
  }

  actorIdsAfter(after: number, limit: number): number[] {
    return [...this.db.prepare('SELECT id FROM actors WHERE id > ? ORDER BY id LIMIT ?').pluck().iterate(after, limit)] as number[];
  }

  claimIdsAfter(after: number, limit: number): number[] {
    return [...this.db.prepare('SELECT id FROM claims WHERE id > ? ORDER BY id LIMIT ?').pluck().iterate(after, limit)] as number[];
  }

  documentIdsAfter(after: number, limit: number): number[] {
    return [...this.db.prepare('SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?').pluck().iterate(after, limit)] as number[];
  }

  tagIdsAfter(after: number, limit: number, status?: string): number[] {
    const sql = status
      ? 'SELECT id FROM tags WHERE id > ? AND status = ? ORDER BY id LIMIT ?'
      : 'SELECT id FROM tags WHERE id > ? ORDER BY id LIMIT ?';
    const args = status ? [after, status, limit] : [after, limit];
    return [
      ...this.db
        .prepare(sql)
        .pluck()
        .iterate(...args),
    ] as number[];
  }
}
