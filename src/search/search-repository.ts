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

// Each filter is one fixed SQL fragment with positional parameters (the same value for each); which of them
// appear decides the SQL text and the parameters' order, so the prepared-statement cache holds one statement
// per combination actually used.
const FILTERS: Record<keyof SearchFilter, string> = {
  speakerId: 's.speaker_id = ?',
  identityStatus: 'EXISTS (SELECT 1 FROM actors a WHERE a.id = s.speaker_id AND a.identity_status = ?)',
  kind: 's.kind = ?',
  claimId: 'EXISTS (SELECT 1 FROM statement_claims sc WHERE sc.statement_id = s.id AND sc.claim_id = ?)',
  documentId: 'EXISTS (SELECT 1 FROM relays r WHERE r.statement_id = s.id AND r.document_id = ?)',
  outletId: `EXISTS (SELECT 1 FROM relays r LEFT JOIN documents d ON d.id = r.document_id
               WHERE r.statement_id = s.id AND (r.relayed_by_id = ? OR d.outlet_id = ?))`,
  circumstance: 'EXISTS (SELECT 1 FROM json_each(s.circumstances) c WHERE c.value = ?)',
  from: 's.said_to >= ?',
  to: 's.said_from <= ?',
};
const FILTER_KEYS = Object.keys(FILTERS) as Array<keyof SearchFilter>;
const PARAMETER_COUNT = Object.fromEntries(FILTER_KEYS.map((k) => [k, FILTERS[k].split('?').length - 1])) as Record<
  keyof SearchFilter,
  number
>;

function filterParts(f: SearchFilter): { where: string; params: unknown[] } {
  let where = '';
  const params: unknown[] = [];
  for (const k of FILTER_KEYS) {
    const v = f[k];
    if (v === undefined || v === null) continue;
    where += ` AND ${FILTERS[k]}`;
    for (let i = 0; i < PARAMETER_COUNT[k]; i++) params.push(v);
  }
  return { where, params };
}

/** The only SQL of search. Every MATCH expression arrives here already built from quoted tokens. */
export class SearchRepository {
  constructor(private readonly db: Db) {}

  /**
   * How many rows match, counting no further than `cap`: enough to tell a rare word from a common one
   * for the price of reading at most `cap` entries of its list. Under `cap`, and when asked, also which
   * rows (ascending): a search made of rare words then needs no second walk of their lists to tell which
   * statements hold them all.
   */
  async probe(index: SearchIndex, match: string, cap: number, withIds = false): Promise<{ n: number; ids: number[] | null }> {
    const ids = withIds ? ', json_group_array(rowid) AS ids' : '';
    const sql = `SELECT count(*) AS n${ids} FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ? LIMIT ?)`;
    const row = (await this.db.queryFirst<{ n: number; ids?: string }>(sql, [match, cap]))!;
    return { n: row.n, ids: row.ids !== undefined && row.n < cap ? (JSON.parse(row.ids) as number[]) : null };
  }

  /**
   * The statements holding each term, as one ascending id list per term, in one statement; a list of
   * `cap` or more ids is cut off there and comes back null. For terms with short lists only (words a
   * search already knows to be rare).
   */
  async lists(index: SearchIndex, terms: string[], cap: number): Promise<Array<number[] | null>> {
    if (terms.length === 0) return [];
    const one = (i: number) =>
      `(SELECT count(*) || ' ' || json_group_array(rowid) FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ? LIMIT ?)) AS l${i}`;
    const sql = `SELECT ${terms.map((_, i) => one(i)).join(', ')}`;
    const row = (await this.db.queryFirst<Record<string, string>>(
      sql,
      terms.flatMap((t) => [t, cap]),
    ))!;
    return terms.map((_, i) => {
      const cell = row[`l${i}`];
      const at = cell.indexOf(' ');
      return Number(cell.slice(0, at)) < cap ? (JSON.parse(cell.slice(at + 1)) as number[]) : null;
    });
  }

  /**
   * The rowid of the `window`-th newest matching statement (after filters), or null when fewer match.
   * Ranking is confined to statements at or above it, so a very common word costs `window` scores, not
   * one per matching statement.
   */
  async windowFloor(index: SearchIndex, match: string, filter: SearchFilter, window: number): Promise<number | null> {
    const { where, params } = filterParts(filter);
    const sql = where
      ? `SELECT ${index}.rowid AS id FROM ${index} JOIN statements s ON s.id = ${index}.rowid
         WHERE ${index} MATCH ?${where} ORDER BY ${index}.rowid DESC LIMIT 1 OFFSET ?`
      : `SELECT rowid AS id FROM ${index} WHERE ${index} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`;
    const row = await this.db.queryFirst<{ id: number }>(sql, [match, ...params, window - 1]);
    return row ? row.id : null;
  }

  /**
   * Matches at or above `floor`, best bm25 first (ties by id). bm25() in the select list lets SQLite's
   * top-N sorter rank while FTS5 walks only the rowid range; FTS5's own ORDER BY rank would score
   * every match first.
   */
  ranked(index: SearchIndex, match: string, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]> {
    if (limit <= 0) return Promise.resolve([]);
    const { where, params } = filterParts(filter);
    const range = floor === null ? '' : ` AND ${index}.rowid >= ?`;
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, bm25(${index}) AS score FROM ${from}
      WHERE ${index} MATCH ?${range}${where} ORDER BY score, ${index}.rowid LIMIT ? OFFSET ?`,
      'h.score, h.id',
    );
    const args = floor === null ? [match, ...params, limit, offset] : [match, floor, ...params, limit, offset];
    return this.db.query<StatementRow & { hit_score: number | null }>(sql, args).then(toHits);
  }

  /** How many matches are at or above `floor`: where the ranked window ends. */
  async countFrom(index: SearchIndex, match: string, filter: SearchFilter, floor: number): Promise<number> {
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = `SELECT count(*) AS n FROM ${from} WHERE ${index} MATCH ? AND ${index}.rowid >= ?${where}`;
    return (await this.db.queryFirst<{ n: number }>(sql, [match, floor, ...params]))!.n;
  }

  /**
   * Matches newest first, below `floor` when given (what follows the ranked window). No score: FTS5 walks
   * the lists from the newest entry and stops after `offset + limit`, however common the words are.
   */
  newest(index: SearchIndex, match: string, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]> {
    if (limit <= 0) return Promise.resolve([]);
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const range = floor === null ? '' : ` AND ${index}.rowid < ?`;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, NULL AS score FROM ${from}
      WHERE ${index} MATCH ?${range}${where} ORDER BY ${index}.rowid DESC LIMIT ? OFFSET ?`,
      'h.id DESC',
    );
    const args = floor === null ? [match, ...params, limit, offset] : [match, floor, ...params, limit, offset];
    return this.db.query<StatementRow & { hit_score: number | null }>(sql, args).then(toHits);
  }

  /**
   * Up to `limit` matching ids, newest first, for telling whether few match and which (their rows are read
   * only if so). They are found oldest first: FTS5 starts each word's list at its head, where newest first
   * must find each list's end.
   */
  async some(index: SearchIndex, match: string, filter: SearchFilter, limit: number): Promise<number[]> {
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = `SELECT ${index}.rowid AS id FROM ${from} WHERE ${index} MATCH ?${where} ORDER BY ${index}.rowid LIMIT ?`;
    const rows = await this.db.query<{ id: number }>(sql, [match, ...params, limit]);
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) ids[rows.length - 1 - i] = rows[i]!.id;
    return ids;
  }

  /**
   * Which of `terms` each matching statement holds, as [id, term index] pairs: one walk of each term's
   * list, with no score computed. For terms with short lists only (the rarest words of a paste).
   */
  async termHits(index: SearchIndex, terms: string[], filter: SearchFilter): Promise<Array<[number, number]>> {
    if (terms.length === 0) return [];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = terms
      .map((_, i) => `SELECT ${index}.rowid AS id, ${i} AS term FROM ${from} WHERE ${index} MATCH ?${where}`)
      .join(' UNION ALL ');
    const rows = await this.db.query<{ id: number; term: number }>(
      sql,
      terms.flatMap((t) => [t, ...params]),
    );
    return rows.map((r) => [r.id, r.term]);
  }

  /** These statements, in this order. */
  async rows(ids: number[]): Promise<StatementRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<StatementRow>('SELECT s.* FROM statements s WHERE s.id IN (SELECT value FROM json_each(?))', [
      JSON.stringify(ids),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  claims(statementIds: number[]): Promise<ClaimOfStatement[]> {
    if (statementIds.length === 0) return Promise.resolve([]);
    return this.db.query<ClaimOfStatement>(
      `
      SELECT sc.statement_id, sc.claim_id, sc.stance, c.text, c.verdict
      FROM statement_claims sc JOIN claims c ON c.id = sc.claim_id
      WHERE sc.statement_id IN (SELECT value FROM json_each(?))
      ORDER BY sc.statement_id, sc.claim_id`,
      [JSON.stringify(statementIds)],
    );
  }
}
