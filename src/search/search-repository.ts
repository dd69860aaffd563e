import type { Db } from '../db/database.js';
import type { StatementRow } from '../statements/statement-repository.js';

export type SearchIndex = 'statements_fts' | 'statements_fts_trigram';

export interface SearchFilter {
  speakerId?: number;
  identityStatus?: string;
  kind?: string;
  claimId?: number;
  documentId?: number;
  outletId?: number;
  circumstance?: string;
  /** Inclusive day bounds: a statement matches when its date range overlaps [from, to]. */
  from?: string;
  to?: string;
}

export interface Hit {
  id: number;
  /** bm25: lower is better; null below the ranked window, where hits come newest first. */
  score: number | null;
  /** The statement itself, read in the same query as its rank. */
  row: StatementRow;
}

// A page of hits with their statements in one query: the ranking runs in the inner query alone, so the
// join reads only the rows of the page.
const withRows = (inner: string, order: string) =>
  `SELECT s.*, h.score AS hit_score FROM (${inner}) h JOIN statements s ON s.id = h.id ORDER BY ${order}`;
const toHits = (rows: Array<StatementRow & { hit_score: number | null }>): Hit[] =>
  rows.map(({ hit_score, ...row }) => ({ id: row.id, score: hit_score, row }));

export interface ClaimOfStatement {
  statement_id: number;
  claim_id: number;
  stance: string;
  text: string;
  verdict: string | null;
}

// Each filter is one fixed SQL fragment with one named parameter; which of them appear decides the SQL
// text, so the prepared-statement cache holds one statement per combination actually used.
const FILTERS: Record<keyof SearchFilter, string> = {
  speakerId: 's.speaker_id = @speakerId',
  identityStatus: 'EXISTS (SELECT 1 FROM actors a WHERE a.id = s.speaker_id AND a.identity_status = @identityStatus)',
  kind: 's.kind = @kind',
  claimId: 'EXISTS (SELECT 1 FROM statement_claims sc WHERE sc.statement_id = s.id AND sc.claim_id = @claimId)',
  documentId: 'EXISTS (SELECT 1 FROM relays r WHERE r.statement_id = s.id AND r.document_id = @documentId)',
  outletId: `EXISTS (SELECT 1 FROM relays r LEFT JOIN documents d ON d.id = r.document_id
               WHERE r.statement_id = s.id AND (r.relayed_by_id = @outletId OR d.outlet_id = @outletId))`,
  circumstance: 'EXISTS (SELECT 1 FROM json_each(s.circumstances) c WHERE c.value = @circumstance)',
  from: 's.said_to >= @from',
  to: 's.said_from <= @to',
};

function filterParts(f: SearchFilter): { where: string; params: Record<string, unknown> } {
  const keys = (Object.keys(FILTERS) as Array<keyof SearchFilter>).filter((k) => f[k] !== undefined && f[k] !== null);
  const params: Record<string, unknown> = {};
  for (const k of keys) params[k] = f[k];
  return {
    where: keys.map((k) => ` AND ${FILTERS[k]}`).join(''),
    params,
  };
}

/** The only SQL of search. Every MATCH expression arrives here already built from quoted tokens. */
export class SearchRepository {
  constructor(private readonly db: Db) {}

  /**
   * How many rows match, counting no further than `cap`: enough to tell a rare word from a common one
   * for the price of reading at most `cap` entries of its list.
   */
  probe(index: SearchIndex, match: string, cap: number): number {
    const sql = `SELECT count(*) AS n FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ? LIMIT ?)`;
    return (this.db.prepare(sql).get(match, cap) as { n: number }).n;
  }

  /**
   * The rowid of the `window`-th newest matching statement (after filters), or null when fewer match.
   * Ranking is confined to statements at or above it, so a very common word costs `window` scores, not
   * one per matching statement.
   */
  windowFloor(index: SearchIndex, match: string, filter: SearchFilter, window: number): number | null {
    const { where, params } = filterParts(filter);
    const sql = where
      ? `SELECT ${index}.rowid AS id FROM ${index} JOIN statements s ON s.id = ${index}.rowid
         WHERE ${index} MATCH @match${where} ORDER BY ${index}.rowid DESC LIMIT 1 OFFSET @skip`
      : `SELECT rowid AS id FROM ${index} WHERE ${index} MATCH @match ORDER BY rowid DESC LIMIT 1 OFFSET @skip`;
    const row = this.db.prepare(sql).get({ ...params, match, skip: window - 1 }) as { id: number } | undefined;
    return row ? row.id : null;
  }

  /**
   * Matches at or above `floor`, best bm25 first (ties by id). bm25() in the select list lets SQLite's
   * top-N sorter rank while FTS5 walks only the rowid range; FTS5's own ORDER BY rank would score
   * every match first.
   */
  ranked(index: SearchIndex, match: string, filter: SearchFilter, floor: number | null, offset: number, limit: number): Hit[] {
    if (limit <= 0) return [];
    const { where, params } = filterParts(filter);
    const range = floor === null ? '' : ` AND ${index}.rowid >= @floor`;
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, bm25(${index}) AS score FROM ${from}
      WHERE ${index} MATCH @match${range}${where} ORDER BY score, ${index}.rowid LIMIT @limit OFFSET @offset`,
      'h.score, h.id',
    );
    return toHits(
      this.db.prepare(sql).all({ ...params, match, limit, offset, ...(floor === null ? {} : { floor }) }) as Array<
        StatementRow & { hit_score: number | null }
      >,
    );
  }

  /** How many matches are at or above `floor`: where the ranked window ends. */
  countFrom(index: SearchIndex, match: string, filter: SearchFilter, floor: number): number {
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = `SELECT count(*) AS n FROM ${from} WHERE ${index} MATCH @match AND ${index}.rowid >= @floor${where}`;
    return (this.db.prepare(sql).get({ ...params, match, floor }) as { n: number }).n;
  }

  /**
   * Matches newest first, below `floor` when given (what follows the ranked window). No score: FTS5 walks
   * the lists from the newest entry and stops after `offset + limit`, however common the words are.
   */
  newest(index: SearchIndex, match: string, filter: SearchFilter, floor: number | null, offset: number, limit: number): Hit[] {
    if (limit <= 0) return [];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const range = floor === null ? '' : ` AND ${index}.rowid < @floor`;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, NULL AS score FROM ${from}
      WHERE ${index} MATCH @match${range}${where} ORDER BY ${index}.rowid DESC LIMIT @limit OFFSET @offset`,
      'h.id DESC',
    );
    return toHits(
      this.db.prepare(sql).all({ ...params, match, limit, offset, ...(floor === null ? {} : { floor }) }) as Array<
        StatementRow & { hit_score: number | null }
      >,
    );
  }

  /**
   * Up to `limit` matching ids, newest first, for telling whether few match and which (their rows are read
   * only if so). They are found oldest first: FTS5 starts each word's list at its head, where newest first
   * must find each list's end.
   */
  some(index: SearchIndex, match: string, filter: SearchFilter, limit: number): number[] {
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = `SELECT ${index}.rowid FROM ${from} WHERE ${index} MATCH @match${where} ORDER BY ${index}.rowid LIMIT @limit`;
    return (
      this.db
        .prepare(sql)
        .pluck()
        .all({ ...params, match, limit }) as number[]
    ).reverse();
  }

  /**
   * Which of `terms` each matching statement holds, as [id, term index] pairs: one walk of each term's
   * list, with no score computed. For terms with short lists only (the rarest words of a paste).
   */
  termHits(index: SearchIndex, terms: string[], filter: SearchFilter): Array<[number, number]> {
    if (terms.length === 0) return [];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = terms.map((_, i) => `SELECT ${index}.rowid, ${i} FROM ${from} WHERE ${index} MATCH @t${i}${where}`).join(' UNION ALL ');
    const named = Object.fromEntries(terms.map((t, i) => [`t${i}`, t]));
    return this.db
      .prepare(sql)
      .raw(true)
      .all({ ...params, ...named }) as Array<[number, number]>;
  }

  /** These statements, in this order. */
  rows(ids: number[]): StatementRow[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare('SELECT s.* FROM statements s WHERE s.id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as StatementRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  claims(statementIds: number[]): ClaimOfStatement[] {
    if (statementIds.length === 0) return [];
    return this.db
      .prepare(`
      SELECT sc.statement_id, sc.claim_id, sc.stance, c.text, c.verdict
      FROM statement_claims sc JOIN claims c ON c.id = sc.claim_id
      WHERE sc.statement_id IN (SELECT value FROM json_each(?))
      ORDER BY sc.statement_id, sc.claim_id`)
      .all(JSON.stringify(statementIds)) as ClaimOfStatement[];
  }
}
