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

/** The first column of each row: the SQL selects one. */
const firstColumn = (rows: Array<Record<string, number>>): number[] =>
  rows.map((r) => {
    for (const k in r) return r[k] as number;
    return 0;
  });

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

  document(id: number): Promise<DocumentRow | undefined> {
    return this.db.queryFirst<DocumentRow>('SELECT id, title, url, outlet_id, published_on FROM documents WHERE id = ?', [id]);
  }

  documents(list: Iterable<number>): Promise<DocumentRow[]> {
    return this.db.query<DocumentRow>(
      'SELECT id, title, url, outlet_id, published_on FROM documents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
      [ids(list)],
    );
  }

  claim(id: number): Promise<{ id: number; text: string; verdict: string | null; updatedAt: string } | undefined> {
    return this.db.queryFirst('SELECT id, text, verdict, updated_at AS updatedAt FROM claims WHERE id = ?', [id]);
  }

  actorExists(id: number): Promise<boolean> {
    return this.db.hasId('actors', id);
  }

  async statementIdsOfDocument(id: number): Promise<number[]> {
    return firstColumn(
      await this.db.query(
        'SELECT statement_id FROM relays WHERE document_id = ? UNION SELECT statement_id FROM tags WHERE document_id = ? AND statement_id IS NOT NULL ORDER BY 1',
        [id, id],
      ),
    );
  }

  async statementIdsOfClaim(id: number): Promise<number[]> {
    return firstColumn(await this.db.query('SELECT statement_id FROM statement_claims WHERE claim_id = ? ORDER BY statement_id', [id]));
  }

  async statementIdsOfActor(id: number): Promise<number[]> {
    return firstColumn(
      await this.db.query(
        'SELECT id FROM statements WHERE speaker_id = ? UNION SELECT statement_id FROM relays WHERE relayed_by_id = ? ORDER BY 1',
        [id, id],
      ),
    );
  }

  statements(list: Iterable<number>): Promise<AuditStatementRow[]> {
    return this.db.query<AuditStatementRow>(
      `SELECT ${STATEMENT_COLUMNS} FROM statements s WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
      [ids(list)],
    );
  }

  /** Hops of these statements, ordered by statement, depth (1: nearest the speaker) and id. */
  hops(statementIds: Iterable<number>): Promise<HopRow[]> {
    return selectHops(this.db, statementIds);
  }

  /** The actors asked for and everyone they act for, transitively. */
  actors(list: Iterable<number>): Promise<AuditActorRow[]> {
    return this.db.query<AuditActorRow>(ACTORS_SQL, [ids(list)]);
  }

  claimsOfStatements(statementIds: Iterable<number>): Promise<ClaimLinkRow[]> {
    return this.db.query<ClaimLinkRow>(CLAIMS_OF_STATEMENTS_SQL, [ids(statementIds)]);
  }

  claims(claimIds: Iterable<number>): Promise<ClaimLinkRow[]> {
    return this.db.query<ClaimLinkRow>(CLAIMS_SQL, [ids(claimIds)]);
  }

  tagsOfDocument(documentId: number): Promise<TagRow[]> {
    return this.db.query<TagRow>(`SELECT ${TAG_COLUMNS} FROM tags WHERE document_id = ? ORDER BY id`, [documentId]);
  }

  tagsOfStatements(statementIds: Iterable<number>): Promise<TagRow[]> {
    return this.db.query<TagRow>(`SELECT ${TAG_COLUMNS} FROM tags WHERE statement_id IN (SELECT value FROM json_each(?)) ORDER BY id`, [
      ids(statementIds),
    ]);
  }

  tags(tagIds: Iterable<number>): Promise<TagRow[]> {
    return this.db.query<TagRow>(`SELECT ${TAG_COLUMNS} FROM tags WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`, [ids(tagIds)]);
  }

  /** The verbatim hops among these whose document body lacks the statement's exact text, with the body. */
  verbatimMisses(hopIds: Iterable<number>): Promise<VerbatimMissRow[]> {
    return this.db.query<VerbatimMissRow>(VERBATIM_MISSES_SQL, [ids(hopIds)]);
  }

  /** Unnamed sources behind each [documentId, relayerId] pair. */
  documentSources(pairs: Array<[number, number]>): Promise<DocumentSourceRow[]> {
    if (pairs.length === 0) return Promise.resolve([]);
    return this.db.query<DocumentSourceRow>(DOCUMENT_SOURCES_SQL, [JSON.stringify(pairs)]);
  }

  /** Up to `perActor` statements spoken by each actor, for pointing actor findings at text. */
  async statementIdsSpokenBy(actorIds: Iterable<number>, perActor: number): Promise<number[]> {
    return firstColumn(
      await this.db.query(
        `
      SELECT id FROM (
        SELECT s.id, row_number() OVER (PARTITION BY s.speaker_id ORDER BY s.id) AS n
        FROM statements s WHERE s.speaker_id IN (SELECT value FROM json_each(?))
      ) WHERE n <= ? ORDER BY id`,
        [ids(actorIds), perActor],
      ),
    );
  }

  // Keyset pages for the everything report: each page is read to its end before anything else runs.

  async statementIdsAfter(after: number, limit: number): Promise<number[]> {
    return firstColumn(await this.db.query('SELECT id FROM statements WHERE id > ? ORDER BY id LIMIT ?', [after, limit]));
  }

  async anonymousActorIdsAfter(after: number, limit: number): Promise<number[]> {
    return firstColumn(
      await this.db.query(`SELECT id FROM actors WHERE id > ? AND identity_status = 'anonymous' ORDER BY id LIMIT ?`, [after, limit]),
    );
  }

  async actorIdsAfter(after: number, limit: number): Promise<number[]> {
    return firstColumn(await this.db.query('SELECT id FROM actors WHERE id > ? ORDER BY id LIMIT ?', [after, limit]));
  }

  async claimIdsAfter(after: number, limit: number): Promise<number[]> {
    return firstColumn(await this.db.query('SELECT id FROM claims WHERE id > ? ORDER BY id LIMIT ?', [after, limit]));
  }

  async documentIdsAfter(after: number, limit: number): Promise<number[]> {
    return firstColumn(await this.db.query('SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?', [after, limit]));
  }

  async tagIdsAfter(after: number, limit: number, status?: string): Promise<number[]> {
    return firstColumn(
      status
        ? await this.db.query('SELECT id FROM tags WHERE id > ? AND status = ? ORDER BY id LIMIT ?', [after, status, limit])
        : await this.db.query('SELECT id FROM tags WHERE id > ? ORDER BY id LIMIT ?', [after, limit]),
    );
  }
}
