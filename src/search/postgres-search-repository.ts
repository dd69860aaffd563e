// Search on PostgreSQL: the repository contract of search-repository.ts over statements_search (its
// migration: migrations/postgres/2026-11-27T0900-search.ts). Words are a tsquery matched against the stored
// tsvector (GIN) and ranked by cover density, fragments are LIKE patterns answered by the pg_trgm index and
// ranked by a bm25-like count of their occurrences; both keep SQLite's order for ties (lowest id first) and
// the same "newest first" walks, so the service above runs the same strategies on either database.
import type { Db } from '../db/db.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { positivePhrases, type SearchExpr } from './search-expression.js';
import type { ClaimOfStatement, Hit, SearchFilter, SearchIndex, SearchRepository } from './search-repository.js';
import { type HitRow, inOrder, searchFilters, toHits, withRows } from './search-sql.js';

interface Part {
  sql: string;
  params: unknown[];
}

/** A tsquery lexeme: the token quoted, so the text search parser reads it as one word whatever it holds. */
const lexeme = (token: string) => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The expression as to_tsquery input: phrases with <->, a prefix with :*, and & | ! for AND, OR, NOT. */
export function toTsquery(e: SearchExpr): string {
  switch (e.op) {
    case 'phrase': {
      const last = e.tokens.length - 1;
      const parts = e.tokens.map((t, i) => lexeme(t) + (e.prefix && i === last ? ':*' : ''));
      return parts.length === 1 ? parts[0] : `(${parts.join(' <-> ')})`;
    }
    case 'and':
    case 'or':
      return `(${e.of.map(toTsquery).join(e.op === 'and' ? ' & ' : ' | ')})`;
    case 'not':
      return `(${toTsquery(e.left)} & !${toTsquery(e.right)})`;
    case 'group':
      return toTsquery(e.of);
  }
}

/** The expression over fragments: each phrase is a substring of the folded text (pg_trgm answers LIKE). */
function fragmentCondition(e: SearchExpr): Part {
  switch (e.op) {
    case 'phrase':
      return { sql: 'x.folded LIKE ws_like(?)', params: [e.tokens.join(' ')] };
    case 'and':
    case 'or': {
      const parts = e.of.map(fragmentCondition);
      return { sql: `(${parts.map((p) => p.sql).join(e.op === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const [l, r] = [fragmentCondition(e.left), fragmentCondition(e.right)];
      return { sql: `(${l.sql} AND NOT ${r.sql})`, params: [...l.params, ...r.params] };
    }
    case 'group':
      return fragmentCondition(e.of);
  }
}

const condition = (index: SearchIndex, e: SearchExpr): Part =>
  index === 'words' ? { sql: 'x.words @@ ws_query(?)', params: [toTsquery(e)] } : fragmentCondition(e);

/**
 * Lower is better, as bm25 in SQLite. Words: cover density (how close together the query's words are),
 * divided by 1 + log(length). Fragments: bm25's saturating term frequency summed over the fragments, with
 * a statement's folded length against a typical 200 characters.
 */
function score(index: SearchIndex, e: SearchExpr): Part {
  if (index === 'words') return { sql: '-ts_rank_cd(x.words, ws_query(?), 1)::float8', params: [toTsquery(e)] };
  return {
    sql: `-(SELECT coalesce(sum(c.n / (c.n + 1.2 * (0.25 + 0.75 * length(x.folded) / 200.0))), 0)
            FROM (SELECT (length(x.folded) - length(replace(x.folded, f.f, ''))) / nullif(length(f.f), 0)::float8 AS n
                  FROM (SELECT ws_fold(v) AS f FROM unnest(?::text[]) AS v) f) c)`,
    params: [positivePhrases(e).map((p) => p.tokens.join(' '))],
  };
}

const filterParts = searchFilters('EXISTS (SELECT 1 FROM json_array_elements_text(s.circumstances::json) AS c(v) WHERE c.v = ?)');

function filtered(f: SearchFilter): { from: string; where: string; params: unknown[] } {
  const { where, params } = filterParts(f);
  return { from: where ? 'statements_search x JOIN statements s ON s.id = x.id' : 'statements_search x', where, params };
}

export class PostgresSearchRepository implements SearchRepository {
  constructor(private readonly db: Db) {}

  /** No cheap token of "nothing changed" across the pool's connections: lists are read each time. */
  readVersion(): null {
    return null;
  }

  async probe(index: SearchIndex, expr: SearchExpr, cap: number, withIds = false): Promise<{ n: number; ids: number[] | null }> {
    const c = condition(index, expr);
    const ids = withIds ? ', array_agg(m.id ORDER BY m.id) AS ids' : '';
    const row = (await this.db.queryFirst<{ n: number; ids?: number[] | null }>(
      `SELECT count(*)::int AS n${ids} FROM (SELECT x.id FROM statements_search x WHERE ${c.sql} LIMIT ?) m`,
      [...c.params, cap],
    ))!;
    return { n: row.n, ids: withIds && row.n < cap ? (row.ids ?? []).map(Number) : null };
  }

  async lists(index: SearchIndex, terms: SearchExpr[], cap: number): Promise<Array<number[] | null>> {
    if (terms.length === 0) return [];
    const parts = terms.map((t, i) => {
      const c = condition(index, t);
      return {
        sql: `(SELECT array_agg(m.id ORDER BY m.id) FROM (SELECT x.id FROM statements_search x WHERE ${c.sql} LIMIT ?) m) AS l${i}`,
        params: [...c.params, cap],
      };
    });
    const row = (await this.db.queryFirst<Record<string, number[] | null>>(
      `SELECT ${parts.map((p) => p.sql).join(', ')}`,
      parts.flatMap((p) => p.params),
    ))!;
    return terms.map((_, i) => {
      const ids = (row[`l${i}`] ?? []).map(Number);
      return ids.length < cap ? ids : null;
    });
  }

  async windowFloor(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, window: number): Promise<number | null> {
    const c = condition(index, expr);
    const f = filtered(filter);
    const row = await this.db.queryFirst<{ id: number }>(
      `SELECT x.id FROM ${f.from} WHERE ${c.sql}${f.where} ORDER BY x.id DESC LIMIT 1 OFFSET ?`,
      [...c.params, ...f.params, window - 1],
    );
    return row ? Number(row.id) : null;
  }

  async ranked(
    index: SearchIndex,
    expr: SearchExpr,
    filter: SearchFilter,
    floor: number | null,
    offset: number,
    limit: number,
  ): Promise<Hit[]> {
    const s = score(index, expr);
    return this.page(index, expr, filter, { score: s, range: '>=', order: 'score, x.id', outer: 'h.score, h.id' }, floor, offset, limit);
  }

  async countFrom(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number): Promise<number> {
    const c = condition(index, expr);
    const f = filtered(filter);
    const row = await this.db.queryFirst<{ n: number }>(`SELECT count(*)::int AS n FROM ${f.from} WHERE ${c.sql} AND x.id >= ?${f.where}`, [
      ...c.params,
      floor,
      ...f.params,
    ]);
    return row!.n;
  }

  async newest(
    index: SearchIndex,
    expr: SearchExpr,
    filter: SearchFilter,
    floor: number | null,
    offset: number,
    limit: number,
  ): Promise<Hit[]> {
    const unscored: Part = { sql: 'NULL::float8', params: [] };
    return this.page(index, expr, filter, { score: unscored, range: '<', order: 'x.id DESC', outer: 'h.id DESC' }, floor, offset, limit);
  }

  /** A page of matches in one order, bounded by the window's floor (ids at or above it, or below it). */
  private async page(
    index: SearchIndex,
    expr: SearchExpr,
    filter: SearchFilter,
    by: { score: Part; range: '>=' | '<'; order: string; outer: string },
    floor: number | null,
    offset: number,
    limit: number,
  ): Promise<Hit[]> {
    if (limit <= 0) return [];
    const c = condition(index, expr);
    const f = filtered(filter);
    const range = floor === null ? '' : ` AND x.id ${by.range} ?`;
    const sql = withRows(
      `SELECT x.id, ${by.score.sql} AS score FROM ${f.from}
       WHERE ${c.sql}${range}${f.where} ORDER BY ${by.order} LIMIT ? OFFSET ?`,
      by.outer,
    );
    const params = [...by.score.params, ...c.params, ...(floor === null ? [] : [floor]), ...f.params, limit, offset];
    return toHits(await this.db.query<HitRow>(sql, params));
  }

  async some(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, limit: number): Promise<number[]> {
    const c = condition(index, expr);
    const f = filtered(filter);
    const rows = await this.db.query<{ id: number }>(`SELECT x.id FROM ${f.from} WHERE ${c.sql}${f.where} ORDER BY x.id DESC LIMIT ?`, [
      ...c.params,
      ...f.params,
      limit,
    ]);
    return rows.map((r) => Number(r.id));
  }

  async termHits(index: SearchIndex, terms: SearchExpr[], filter: SearchFilter): Promise<Array<[number, number]>> {
    if (terms.length === 0) return [];
    const f = filtered(filter);
    const parts = terms.map((t, i) => {
      const c = condition(index, t);
      return { sql: `SELECT x.id, ${i} AS t FROM ${f.from} WHERE ${c.sql}${f.where}`, params: [...c.params, ...f.params] };
    });
    // Term by term, as SQLite's UNION ALL gives them: a statement's weights always add up in the same order.
    const rows = await this.db.query<{ id: number; t: number }>(
      `${parts.map((p) => p.sql).join(' UNION ALL ')} ORDER BY t, id`,
      parts.flatMap((p) => p.params),
    );
    return rows.map((r) => [Number(r.id), r.t]);
  }

  async rows(ids: number[]): Promise<StatementRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<StatementRow>('SELECT s.* FROM statements s WHERE s.id = ANY(?::bigint[])', [ids]);
    return inOrder(ids, rows);
  }

  async claims(statementIds: number[]): Promise<ClaimOfStatement[]> {
    if (statementIds.length === 0) return [];
    return this.db.query<ClaimOfStatement>(
      `SELECT sc.statement_id, sc.claim_id, sc.stance, c.text, c.verdict
       FROM statement_claims sc JOIN claims c ON c.id = sc.claim_id
       WHERE sc.statement_id = ANY(?::bigint[])
       ORDER BY sc.statement_id, sc.claim_id`,
      [statementIds],
    );
  }
}
