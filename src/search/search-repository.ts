// The contract of search's only SQL, the same on both databases: the service decides what to look for
// (a SearchExpr over the words or the fragments of statements) and how to page it; a repository answers in
// its own database's syntax (sqlite-search-repository.ts: FTS5; postgres-search-repository.ts: tsvector
// and pg_trgm) with the same statements in the same order.
import type { Db } from '../db/db.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { PostgresSearchRepository } from './postgres-search-repository.js';
import type { SearchExpr } from './search-expression.js';
import { SqliteSearchRepository } from './sqlite-search-repository.js';

/** Words (stemmed, diacritics folded) or fragments (substrings of three characters or more, folded). */
export type SearchIndex = 'words' | 'fragments';

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
  /** Rank, lower is better (bm25 on SQLite); null below the ranked window, where hits come newest first. */
  score: number | null;
  /** The statement itself, read in the same query as its rank. */
  row: StatementRow;
}

export interface ClaimOfStatement {
  statement_id: number;
  claim_id: number;
  stance: string;
  text: string;
  verdict: string | null;
}

export interface SearchRepository {
  /**
   * The database's read version (Db.readVersion): lists of words read by one search are used by a later
   * one only while it is unchanged; null (PostgreSQL, or inside a transaction) keeps nothing.
   */
  readVersion(): string | null;
  /**
   * How many rows match, counting no further than `cap`: enough to tell a rare word from a common one
   * for the price of reading at most `cap` entries of its list. Under `cap`, and when asked, also which
   * rows (ascending): a search made of rare words then needs no second walk of their lists to tell which
   * statements hold them all.
   */
  probe(index: SearchIndex, expr: SearchExpr, cap: number, withIds?: boolean): Promise<{ n: number; ids: number[] | null }>;
  /**
   * The statements holding each term, as one ascending id list per term, in one statement; a list of
   * `cap` or more ids is cut off there and comes back null. For terms with short lists only (words a
   * search already knows to be rare).
   */
  lists(index: SearchIndex, terms: SearchExpr[], cap: number): Promise<Array<number[] | null>>;
  /**
   * The id of the `window`-th newest matching statement (after filters), or null when fewer match.
   * Ranking is confined to statements at or above it, so a very common word costs `window` scores, not
   * one per matching statement.
   */
  windowFloor(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, window: number): Promise<number | null>;
  /** Matches at or above `floor`, best rank first (ties by id). */
  ranked(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]>;
  /** How many matches are at or above `floor`: where the ranked window ends. */
  countFrom(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number): Promise<number>;
  /** Matches newest first, below `floor` when given (what follows the ranked window), with no score. */
  newest(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, floor: number | null, offset: number, limit: number): Promise<Hit[]>;
  /** Up to `limit` matching ids, newest first, for telling whether few match and which. */
  some(index: SearchIndex, expr: SearchExpr, filter: SearchFilter, limit: number): Promise<number[]>;
  /**
   * Which of `terms` each matching statement holds, as [id, term index] pairs, term by term: one walk of
   * each term's list, with no score computed. For terms with short lists only (the rarest words of a paste).
   */
  termHits(index: SearchIndex, terms: SearchExpr[], filter: SearchFilter): Promise<Array<[number, number]>>;
  /**
   * Whether the words index certainly holds `token` for this statement, told from its text alone (false:
   * it does not, or that cannot be told). Absent where the index's words cannot be told from the text.
   */
  readonly holds?: (row: StatementRow, token: string) => boolean;
  /** These statements, in this order. */
  rows(ids: number[]): Promise<StatementRow[]>;
  claims(statementIds: number[]): Promise<ClaimOfStatement[]>;
}

/** The repository for the database `db` speaks to. */
export function searchRepository(db: Db): SearchRepository {
  return db.dialect === 'postgres' ? new PostgresSearchRepository(db) : new SqliteSearchRepository(db);
}
