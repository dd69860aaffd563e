// All the SQL of audits and exports: a scope's data in a few set-based queries, whatever its size.
// Ids travel as one list parameter (src/db/id-list.ts), so each query has one SQL text per dialect, prepared once.
import type { Db } from '../db/database.js';
import type { Dialect } from '../db/db.js';
import { idList } from '../db/id-list.js';
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

const unique = (list: Iterable<number>): number[] => [...new Set(list)];

/** The first column of each row: the SQL selects one. */
const firstColumn = (rows: Array<Record<string, number>>): number[] =>
  rows.map((r) => {
    for (const k in r) return r[k] as number;
    return 0;
  });

// The one place actors are read for audits and exports. The attestation is read only as "is there one":
// its content and the confidential notes never leave the database.
const actorsSql = (set: string) => `
  WITH RECURSIVE wanted(id) AS (
    ${set}
    UNION
    SELECT a.acts_for_id FROM actors a JOIN wanted w ON a.id = w.id WHERE a.acts_for_id IS NOT NULL
  )
  SELECT ${actorSummaryColumns('a')}, a.anonymity_reason, a.acts_for_id,
         CASE WHEN a.attestation IS NOT NULL AND a.attestation NOT IN ('', 'null') THEN 1 ELSE 0 END AS attested
  FROM actors a JOIN wanted w ON a.id = w.id ORDER BY a.id`;

const STATEMENT_COLUMNS =
  's.id, s.speaker_id, s.text, s.text_form, s.kind, s.said_on, s.medium, s.medium_publisher_id, s.circumstances, s.language';

// Every link of every claim that any of the given statements is linked to.
const claimsOfStatementsSql = (set: string) => `
  SELECT c.id AS claim_id, c.text, c.verdict, sc.statement_id, sc.stance
  FROM claims c LEFT JOIN statement_claims sc ON sc.claim_id = c.id
  WHERE c.id IN (SELECT DISTINCT x.claim_id FROM statement_claims x WHERE x.statement_id IN (${set}))
  ORDER BY c.id, sc.statement_id`;

const claimsSql = (set: string) => `
  SELECT c.id AS claim_id, c.text, c.verdict, sc.statement_id, sc.stance
  FROM claims c LEFT JOIN statement_claims sc ON sc.claim_id = c.id
  WHERE c.id IN (${set})
  ORDER BY c.id, sc.statement_id`;

// The unnamed sources behind each (document, relayer) pair: who each of the relayer's hops in that
// document had its statement from (the earlier hop's relayer, or the speaker for a first hop).
// The pairs: a JSON array of pairs on SQLite, two parallel arrays on PostgreSQL (unnest zips them).
// (CROSS JOIN keeps SQLite's list as the outer loop; PostgreSQL's CROSS JOIN takes no ON.)
const PAIRS: Record<Dialect, { table: string; params(pairs: Array<[number, number]>): unknown[] }> = {
  sqlite: {
    table: 'json_each(?) j CROSS JOIN relays r ON r.document_id = j.value ->> 0 AND r.relayed_by_id = j.value ->> 1',
    params: (pairs) => [JSON.stringify(pairs)],
  },
  postgres: {
    table:
      'unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS j(document_id, relayer_id) JOIN relays r ON r.document_id = j.document_id AND r.relayed_by_id = j.relayer_id',
    params: (pairs) => [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  },
};
const documentSourcesSql = (pairs: string) => `
  SELECT DISTINCT r.document_id, r.relayed_by_id AS relayer_id, src.id AS source_id, src.identity_status AS source_status
  FROM ${pairs}
  JOIN statements s ON s.id = r.statement_id
  LEFT JOIN relays p ON p.id = r.via_relay_id
  JOIN actors src ON src.id = COALESCE(p.relayed_by_id, s.speaker_id)
  WHERE src.identity_status <> 'named'`;

// Spans need the tag's anchor and, for hop findings, the hop it quotes.
const TAG_COLUMNS = 'id, document_id, statement_id, relay_id, start, "end", exact, status, quote, score';

// Verbatim hops whose document body does not hold the statement's text byte for byte: the few that
// QUOTE-ALTERED must compare after folding typography. instr() keeps the common case (the words are there)
// inside the database, so bodies are only read for the hops that need a closer look (strpos on PostgreSQL).
const POSITION: Record<Dialect, string> = { sqlite: 'instr(d.body, s.text)', postgres: 'strpos(d.body, s.text)' };
const verbatimMissesSql = (dialect: Dialect) => `
  SELECT r.id AS relay_id, d.id AS document_id, d.body
  FROM ${idList(dialect).table('j')}
  ${dialect === 'sqlite' ? 'CROSS ' : ''}JOIN relays r ON r.id = j.value
  JOIN statements s ON s.id = r.statement_id
  JOIN documents d ON d.id = r.document_id
  WHERE r.mode = 'verbatim' AND d.body IS NOT NULL AND d.body <> '' AND ${POSITION[dialect]} = 0`;

/** Each query's text for one dialect, built once. */
function sqlFor(dialect: Dialect) {
  const list = idList(dialect);
  return {
    list,
    actors: actorsSql(list.set),
    claimsOfStatements: claimsOfStatementsSql(list.set),
    claims: claimsSql(list.set),
    documents: `SELECT id, title, url, outlet_id, published_on FROM documents WHERE id IN (${list.set}) ORDER BY id`,
    statements: `SELECT ${STATEMENT_COLUMNS} FROM statements s WHERE s.id IN (${list.set}) ORDER BY s.id`,
    tagsOfStatements: `SELECT ${TAG_COLUMNS} FROM tags WHERE statement_id IN (${list.set}) ORDER BY id`,
    tags: `SELECT ${TAG_COLUMNS} FROM tags WHERE id IN (${list.set}) ORDER BY id`,
    verbatimMisses: verbatimMissesSql(dialect),
    documentSources: documentSourcesSql(PAIRS[dialect].table),
    spokenBy: `
      SELECT id FROM (
        SELECT s.id, row_number() OVER (PARTITION BY s.speaker_id ORDER BY s.id) AS n
        FROM statements s WHERE s.speaker_id IN (${list.set})
      ) AS ranked WHERE n <= ? ORDER BY id`,
  };
}
const SQL: Record<Dialect, ReturnType<typeof sqlFor>> = { sqlite: sqlFor('sqlite'), postgres: sqlFor('postgres') };

export class AuditRepository {
  private readonly sql: ReturnType<typeof sqlFor>;

  constructor(readonly db: Db) {
    this.sql = SQL[db.dialect];
  }

  private ids(list: Iterable<number>): unknown {
    return this.sql.list.param(unique(list));
  }

  /** The same queries over another connection (a read snapshot for a long streamed report). */
  on(db: Db): AuditRepository {
    return new AuditRepository(db);
  }

  document(id: number): Promise<DocumentRow | undefined> {
    return this.db.queryFirst<DocumentRow>('SELECT id, title, url, outlet_id, published_on FROM documents WHERE id = ?', [id]);
  }

  documents(list: Iterable<number>): Promise<DocumentRow[]> {
    return this.db.query<DocumentRow>(this.sql.documents, [this.ids(list)]);
  }

  claim(id: number): Promise<{ id: number; text: string; verdict: string | null; updatedAt: string } | undefined> {
    return this.db.queryFirst('SELECT id, text, verdict, updated_at AS "updatedAt" FROM claims WHERE id = ?', [id]);
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
    return this.db.query<AuditStatementRow>(this.sql.statements, [this.ids(list)]);
  }

  /** Hops of these statements, ordered by statement, depth (1: nearest the speaker) and id. */
  hops(statementIds: Iterable<number>): Promise<HopRow[]> {
    return selectHops(this.db, statementIds);
  }

  /** The actors asked for and everyone they act for, transitively. */
  actors(list: Iterable<number>): Promise<AuditActorRow[]> {
    return this.db.query<AuditActorRow>(this.sql.actors, [this.ids(list)]);
  }

  claimsOfStatements(statementIds: Iterable<number>): Promise<ClaimLinkRow[]> {
    return this.db.query<ClaimLinkRow>(this.sql.claimsOfStatements, [this.ids(statementIds)]);
  }

  claims(claimIds: Iterable<number>): Promise<ClaimLinkRow[]> {
    return this.db.query<ClaimLinkRow>(this.sql.claims, [this.ids(claimIds)]);
  }

  tagsOfDocument(documentId: number): Promise<TagRow[]> {
    return this.db.query<TagRow>(`SELECT ${TAG_COLUMNS} FROM tags WHERE document_id = ? ORDER BY id`, [documentId]);
  }

  tagsOfStatements(statementIds: Iterable<number>): Promise<TagRow[]> {
    return this.db.query<TagRow>(this.sql.tagsOfStatements, [this.ids(statementIds)]);
  }

  tags(tagIds: Iterable<number>): Promise<TagRow[]> {
    return this.db.query<TagRow>(this.sql.tags, [this.ids(tagIds)]);
  }

  /** The verbatim hops among these whose document body lacks the statement's exact text, with the body. */
  verbatimMisses(hopIds: Iterable<number>): Promise<VerbatimMissRow[]> {
    return this.db.query<VerbatimMissRow>(this.sql.verbatimMisses, [this.ids(hopIds)]);
  }

  /** Unnamed sources behind each [documentId, relayerId] pair. */
  documentSources(pairs: Array<[number, number]>): Promise<DocumentSourceRow[]> {
    if (pairs.length === 0) return Promise.resolve([]);
    return this.db.query<DocumentSourceRow>(this.sql.documentSources, PAIRS[this.db.dialect].params(pairs));
  }

  /** Up to `perActor` statements spoken by each actor, for pointing actor findings at text. */
  async statementIdsSpokenBy(actorIds: Iterable<number>, perActor: number): Promise<number[]> {
    return firstColumn(await this.db.query(this.sql.spokenBy, [this.ids(actorIds), perActor]));
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
