// Search on SQLite: the repository contract of search-repository.ts over the two FTS5 indexes of
// migrations/2026-11-27T0900-search.ts, each expression written as an FTS5 MATCH string.
import type { Db } from '../db/database.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { type SearchExpr, toFts5 } from './search-expression.js';
import type { ClaimOfStatement, Hit, SearchFilter, SearchIndex, SearchRepository } from './search-repository.js';
import { type HitRow, inOrder, searchFilters, toHits, withRows } from './search-sql.js';

const TABLES: Record<SearchIndex, 'statements_fts' | 'statements_fts_trigram'> = {
  words: 'statements_fts',
  fragments: 'statements_fts_trigram',
};

const filterParts = searchFilters('EXISTS (SELECT 1 FROM json_each(s.circumstances) c WHERE c.value = ?)');

/**
 * Characters outside ASCII that unicode61 certainly splits words at: typographic quotes, apostrophes,
 * dashes, ellipses and spaces (punctuation and separators by Unicode category, and no diacritics).
 */
const SEPARATORS = new Set(
  '\u00a0\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2010\u2011\u2012\u2013\u2014\u2015\u2026\u00ab\u00bb\u2039\u203a\u2009\u200a\u202f',
);
const separates = (c: number) =>
  c < 0x80 ? !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) : SEPARATORS.has(String.fromCharCode(c));

/**
 * The tokens unicode61 certainly makes of a text, before Porter stems them: lower-cased runs of ASCII
 * letters and digits between characters it separates words at. A run next to any other character is left
 * out, as that character may belong to the word ("café" is one word, "cafe").
 */
function certainTokens(text: string | null): Set<string> {
  const tokens = new Set<string>();
  if (text === null) return tokens;
  for (const m of text.matchAll(/[A-Za-z0-9]+/g)) {
    const [at, end] = [m.index, m.index + m[0].length];
    if ((at === 0 || separates(text.charCodeAt(at - 1))) && (end === text.length || separates(text.charCodeAt(end))))
      tokens.add(m[0].toLowerCase());
  }
  return tokens;
}

/** Every MATCH expression is written here from quoted tokens (toFts5). */
export class SqliteSearchRepository implements SearchRepository {
  private readonly tokensOf = new WeakMap<StatementRow, Set<string>>();

  constructor(private readonly db: Db) {}

  /**
   * A statement whose text or original text has the token itself matches the quoted token: FTS5 tokenizes
   * both the same way and stems both alike (certainTokens).
   */
  readonly holds = (row: StatementRow, token: string): boolean => {
    let tokens = this.tokensOf.get(row);
    if (!tokens) {
      tokens = certainTokens(row.text);
      for (const t of certainTokens(row.original_text)) tokens.add(t);
      this.tokensOf.set(row, tokens);
    }
    return tokens.has(token);
  };

  readVersion(): string | null {
    return this.db.readVersion();
  }

  /**
   * How many rows match, counting no further than `cap`: enough to tell a rare word from a common one
   * for the price of reading at most `cap` entries of its list. Under `cap`, and when asked, also which
   * rows (ascending): a search made of rare words then needs no second walk of their lists to tell which
   * statements hold them all.
   */
  async probe(on: SearchIndex, expr: SearchExpr, cap: number, withIds = false): Promise<{ n: number; ids: number[] | null }> {
    const [index, match] = [TABLES[on], toFts5(expr)];
    const ids = withIds ? ', json_group_array(rowid) AS ids' : '';
    const sql = `SELECT count(*) AS n${ids} FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ? ORDER BY rowid LIMIT ?)`;
    const row = (await this.db.queryFirst<{ n: number; ids?: string }>(sql, [match, cap]))!;
    return { n: row.n, ids: row.ids !== undefined && row.n < cap ? (JSON.parse(row.ids) as number[]) : null };
  }

  /**
   * The statements holding each term, as one ascending id list per term, in one statement; a list of
   * `cap` or more ids is cut off there and comes back null. For terms with short lists only (words a
   * search already knows to be rare).
   */
  async lists(on: SearchIndex, terms: SearchExpr[], cap: number): Promise<Array<number[] | null>> {
    if (terms.length === 0) return [];
    const index = TABLES[on];
    const one = (i: number) =>
      `(SELECT count(*) || ' ' || json_group_array(rowid) FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ? ORDER BY rowid LIMIT ?)) AS l${i}`;
    const sql = `SELECT ${terms.map((_, i) => one(i)).join(', ')}`;
    const row = (await this.db.queryFirst<Record<string, string>>(
      sql,
      terms.flatMap((t) => [toFts5(t), cap]),
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
  async windowFloor(on: SearchIndex, expr: SearchExpr, filter: SearchFilter, window: number): Promise<number | null> {
    const [index, match] = [TABLES[on], toFts5(expr)];
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
  ranked(on: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]> {
    if (limit <= 0) return Promise.resolve([]);
    const [index, match] = [TABLES[on], toFts5(expr)];
    const { where, params } = filterParts(filter);
    const range = floor === null ? '' : ` AND ${index}.rowid >= ?`;
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, bm25(${index}) AS score FROM ${from}
      WHERE ${index} MATCH ?${range}${where} ORDER BY score, ${index}.rowid LIMIT ? OFFSET ?`,
      'h.score, h.id',
    );
    const args = floor === null ? [match, ...params, limit, offset] : [match, floor, ...params, limit, offset];
    return this.db.query<HitRow>(sql, args).then(toHits);
  }

  /** How many matches are at or above `floor`: where the ranked window ends. */
  async countFrom(on: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number): Promise<number> {
    const [index, match] = [TABLES[on], toFts5(expr)];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = `SELECT count(*) AS n FROM ${from} WHERE ${index} MATCH ? AND ${index}.rowid >= ?${where}`;
    return (await this.db.queryFirst<{ n: number }>(sql, [match, floor, ...params]))!.n;
  }

  /**
   * Matches newest first, below `floor` when given (what follows the ranked window). No score: FTS5 walks
   * the lists from the newest entry and stops after `offset + limit`, however common the words are.
   */
  newest(on: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]> {
    if (limit <= 0) return Promise.resolve([]);
    const [index, match] = [TABLES[on], toFts5(expr)];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const range = floor === null ? '' : ` AND ${index}.rowid < ?`;
    const sql = withRows(
      `SELECT ${index}.rowid AS id, NULL AS score FROM ${from}
      WHERE ${index} MATCH ?${range}${where} ORDER BY ${index}.rowid DESC LIMIT ? OFFSET ?`,
      'h.id DESC',
    );
    const args = floor === null ? [match, ...params, limit, offset] : [match, floor, ...params, limit, offset];
    return this.db.query<HitRow>(sql, args).then(toHits);
  }

  /**
   * Up to `limit` matching ids, newest first, for telling whether few match and which (their rows are read
   * only if so). They are found oldest first: FTS5 starts each word's list at its head, where newest first
   * must find each list's end.
   */
  async some(on: SearchIndex, expr: SearchExpr, filter: SearchFilter, limit: number): Promise<number[]> {
    const [index, match] = [TABLES[on], toFts5(expr)];
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
  async termHits(on: SearchIndex, terms: SearchExpr[], filter: SearchFilter): Promise<Array<[number, number]>> {
    if (terms.length === 0) return [];
    const index = TABLES[on];
    const { where, params } = filterParts(filter);
    const from = where ? `${index} JOIN statements s ON s.id = ${index}.rowid` : index;
    const sql = terms
      .map((_, i) => `SELECT ${index}.rowid AS id, ${i} AS term FROM ${from} WHERE ${index} MATCH ?${where}`)
      .join(' UNION ALL ');
    const rows = await this.db.query<{ id: number; term: number }>(
      sql,
      terms.flatMap((t) => [toFts5(t), ...params]),
    );
    return rows.map((r) => [r.id, r.term]);
  }

  /** These statements, in this order. */
  async rows(ids: number[]): Promise<StatementRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<StatementRow>('SELECT s.* FROM statements s WHERE s.id IN (SELECT value FROM json_each(?))', [
      JSON.stringify(ids),
    ]);
    return inOrder(ids, rows);
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
