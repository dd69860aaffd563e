import type { Compilable, Kysely, Selectable } from 'kysely';
import type { Viewer } from '../shared/viewer.js';
import type { Database } from './tables.js';

/** Which database a Db speaks to: the embedded SQLite file (default) or a PostgreSQL server. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The one door to the database, the same for both dialects. Every call is asynchronous because a
 * PostgreSQL server answers over a socket; on SQLite the promise is already settled when it is returned.
 *
 * Transactions need no handle passed around: inside `transaction`/`writeAs` every call made from the
 * callback (however deep, through any repository) runs on the transaction's connection, found through
 * the async context. Outside one, a call runs on its own (SQLite: the one connection; PostgreSQL: the pool).
 */
export interface Db {
  readonly dialect: Dialect;
  /** Builds and types queries; run them with `all`/`first`/`run` so they join the current transaction. */
  readonly kysely: Kysely<Database>;

  all<R>(query: Compilable<R>): Promise<R[]>;
  first<R>(query: Compilable<R>): Promise<R | undefined>;
  /** Runs a write; with RETURNING it gives the first returned row. */
  run<R>(query: Compilable<R>): Promise<{ changes: number; row?: R }>;

  /**
   * Plain SQL with positional `?` parameters, written once for both dialects (the PostgreSQL side numbers
   * them `$1…`). For SQL that Kysely cannot say well or that is hot enough to be a fixed string.
   */
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  queryFirst<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** A write in plain SQL; gives the number of rows changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** The rows of a long scan, read in batches so they are never all in memory at once. */
  stream<R>(sql: string, params?: readonly unknown[]): AsyncIterable<R>;

  /** Inserts one whole row (every column but the id) and gives it back with its new id. */
  insertRow<T extends IdTable>(table: T, row: NewRow<T>): Promise<Row<T>>;
  /**
   * Inserts whole rows one after another in one call (a bundle writes thousands): `row(i)` is asked for the
   * i-th row when its turn comes, after the rows before it were inserted and their ids handed to
   * `inserted`, so a row may name the rows before it. Stops at the first row refused (or the first error
   * `row` throws) and rejects with that error, the rows before it still written, as separate inserts
   * would leave them.
   */
  insertRows<T extends IdTable>(
    table: T,
    count: number,
    row: (i: number) => NewRow<T>,
    inserted: (i: number, id: number) => void,
  ): Promise<void>;
  /** The row of a table keyed by `id`. */
  rowById<T extends IdTable>(table: T, id: number): Promise<Row<T> | undefined>;
  /** Whether a table keyed by `id` has a row with this id (without reading the row). */
  hasId(table: IdTable, id: number): Promise<boolean>;

  /**
   * A value that changes whenever a commit may have changed what a read returns, from this connection or
   * any other; null when that cannot be known cheaply, and then nothing read may be kept. What keeps reads
   * in memory (src/shared/read-cache.ts) keys them on it.
   */
  readVersion(): string | null;

  /** All or nothing: a rejected callback leaves the database as it was. Nested calls become savepoints. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * A write transaction made by this writer: recorded in the history with its key, and the writer the
   * services authorize confidential fields against. A request writes as its viewer; the operator's own
   * tools (CLI, demo loader) as OPERATOR (src/access/field-permissions.ts).
   */
  writeAs<T>(writer: Viewer, fn: () => Promise<T>): Promise<T>;
  /** Who is writing in the current transaction (OPERATOR outside `writeAs`). */
  readonly writer: Viewer;
  /** Writes made inside leave no history (synthetic bulk loads in tests and benchmarks only). */
  withoutHistory<T>(fn: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A whole row of a table keyed by `id`, before it has one: every column named, none left to a default. */
export type NewRow<T extends IdTable> = Omit<Row<T>, 'id'>;

/** The tables whose rows are keyed by an integer `id`. */
export type IdTable = 'actors' | 'documents' | 'statements' | 'relays' | 'claims' | 'tags' | 'api_keys';
