import { AsyncLocalStorage } from 'node:async_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import { OPERATOR } from '../access/field-permissions.js';
import type { Viewer } from '../shared/viewer.js';
import type { Db, IdTable, NewRow, Row } from './db.js';
import { registerFunctions, type WriteContext } from './functions.js';
import { applySqliteSettings } from './sqlite-settings.js';
import type { Database } from './tables.js';

export type Sqlite = BetterSqlite3.Database;

/** An open transaction: its savepoint counter, and a promise that settles when it ends. */
interface Tx {
  savepoints: number;
  ended: Promise<void>;
}

/** What the async context carries: the writer, whether history is on, and the transaction it runs in. */
interface Context extends WriteContext {
  tx: Tx | null;
}

/** A statement that returns rows, stepped in raw mode (arrays), and what makes each array its row object. */
interface Reader {
  stmt: BetterSqlite3.Statement;
  row: (values: unknown[]) => unknown;
}

/**
 * A function making a row object of fixed keys from the column values, as an object literal: every row of
 * a query then shares one shape, built at V8's literal speed. Keys are the column names, quoted (a
 * repeated name keeps its last value, as better-sqlite3 did); `__proto__` is written as a computed key so
 * that it stays a property. The schema does not change under a running service (migrations run at open),
 * so the columns read at prepare time stay the statement's.
 */
function rowMaker(columns: string[]): (values: unknown[]) => unknown {
  const fields = columns.map((c, i) => `${c === '__proto__' ? `[${JSON.stringify(c)}]` : JSON.stringify(c)}: v[${i}]`);
  return new Function('v', `return { ${fields.join(', ')} };`) as (values: unknown[]) => unknown;
}

const OUTSIDE: Context = { writer: OPERATOR, history: true, tx: null };

/** Rows of a long scan taken from the statement this many at a time, between which the consumer runs. */
const STREAM_BATCH = 256;

/**
 * SQLite through better-sqlite3: Kysely builds and types the SQL; better-sqlite3 runs it synchronously
 * through a cache of prepared statements (Kysely's own driver would prepare each query anew), so every
 * promise returned here is already settled.
 *
 * better-sqlite3's own `transaction()` needs a synchronous function, so transactions are BEGIN IMMEDIATE /
 * COMMIT / ROLLBACK (nested ones SAVEPOINTs), carried through the async context. There is one connection,
 * so transactions take turns, and a call made outside the open transaction's context waits until it ends
 * rather than run inside someone else's transaction.
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  /** The better-sqlite3 handle, for what only SQLite has: backups, WAL checkpoints, integrity checks. */
  readonly sqlite: Sqlite;
  readonly kysely: Kysely<Database>;
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  /** Statements read through `rows`/`firstRow`, in raw mode (null: the SQL returns no rows). */
  private readonly readers = new Map<string, Reader | null>();
  /** The INSERT of insertRow by table and column names: a handful per table, so never cleared. */
  private readonly inserts = new Map<string, BetterSqlite3.Statement>();
  private readonly context = new AsyncLocalStorage<Context>();
  /** The transaction running now, if any. */
  private open: Tx | null = null;
  /** Settles when the last transaction queued so far has ended: the next one starts after it. */
  private queue: Promise<void> = Promise.resolve();
  /** Transactions and history-less scopes running now: the async context is on only while there are some. */
  private scopes = 0;
  /** The two statements of readVersion, prepared at its first call. */
  private versionReads: [BetterSqlite3.Statement, BetterSqlite3.Statement] | undefined;
  /** PRAGMA data_version as read in the current synchronous run (readVersion). */
  private dataVersion: number | undefined;

  constructor(sqlite: Sqlite) {
    this.sqlite = sqlite;
    registerFunctions(sqlite, () => this.context.getStore() ?? OUTSIDE);
    this.kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }

  get writer(): Viewer {
    return (this.context.getStore() ?? OUTSIDE).writer;
  }

  /**
   * The rows of a query, as objects built here rather than by better-sqlite3, which sets a row object's
   * properties one at a time from C++: on a point read that cost as much as SQLite's own work (a statement
   * row of 17 columns ~8 µs, against ~4.5 µs read as an array and made an object literal of fixed keys).
   * Statements that return no rows go to better-sqlite3 as they are (which refuses them as it did).
   */
  private rows(sql: string, params: readonly unknown[]): unknown[] {
    const r = this.reader(sql);
    if (r === null) return this.prepare(sql).all(...params);
    const values = r.stmt.all(...params) as unknown[][];
    const out = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = r.row(values[i]);
    return out;
  }

  private firstRow(sql: string, params: readonly unknown[]): unknown {
    const r = this.reader(sql);
    if (r === null) return this.prepare(sql).get(...params);
    const values = r.stmt.get(...params) as unknown[] | undefined;
    return values === undefined ? undefined : r.row(values);
  }

  private reader(sql: string): Reader | null {
    let r = this.readers.get(sql);
    if (r === undefined) {
      const stmt = this.sqlite.prepare(sql);
      r = stmt.reader ? { stmt: stmt.raw(true), row: rowMaker(stmt.columns().map((c) => c.name)) } : null;
      if (this.readers.size > 2000) this.readers.clear();
      this.readers.set(sql, r);
    }
    return r;
  }

  /** The statement for this SQL, prepared once. */
  prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (this.cache.size > 2000) this.cache.clear();
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Runs `fn` now, unless a transaction is open that the caller is not part of: then after it ends. The
   * check is one comparison when no transaction is open, which is nearly always.
   */
  private call<T>(fn: () => T): Promise<T> {
    if (this.open !== null && this.open !== this.context.getStore()?.tx) return this.afterOthers(fn);
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async afterOthers<T>(fn: () => T): Promise<T> {
    const own = this.context.getStore()?.tx ?? null;
    while (this.open !== null && this.open !== own) await this.open.ended;
    return fn();
  }

  all<R>(query: Compilable<R>): Promise<R[]> {
    const { sql, parameters } = query.compile();
    return this.call(() => this.rows(sql, parameters) as R[]);
  }

  first<R>(query: Compilable<R>): Promise<R | undefined> {
    const { sql, parameters } = query.compile();
    return this.call(() => (this.reader(sql) === null ? undefined : this.firstRow(sql, parameters)) as R | undefined);
  }

  run<R>(query: Compilable<R>): Promise<{ changes: number; row?: R }> {
    const { sql, parameters } = query.compile();
    return this.call(() => {
      const stmt = this.prepare(sql);
      if (stmt.reader) {
        const row = stmt.get(...(parameters as unknown[])) as R | undefined;
        return { changes: row ? 1 : 0, row };
      }
      return { changes: stmt.run(...(parameters as unknown[])).changes };
    });
  }

  query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.call(() => this.rows(sql, params) as R[]);
  }

  queryFirst<R>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return this.call(() => this.firstRow(sql, params) as R | undefined);
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.call(() => {
      const stmt = this.prepare(sql);
      // A statement that returns rows (RETURNING) is stepped to the end so each of its writes happens.
      return stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes;
    });
  }

  /**
   * Steps the prepared statement, a batch of rows at a time. While a scan is open SQLite refuses writes on
   * the connection (reads are fine), as it did when the scans were synchronous: a consumer writes after it.
   */
  stream<R>(sql: string, params: readonly unknown[] = []): AsyncIterable<R> {
    return {
      [Symbol.asyncIterator]: () => {
        let rows: IterableIterator<R> | null = null;
        let batch: R[] = [];
        let at = 0;
        let done = false;
        const open = () => {
          let stmt = this.prepare(sql);
          // The same scan open twice (a nested stream) cannot share the cached statement.
          if (stmt.busy) stmt = this.sqlite.prepare(sql);
          rows = stmt.iterate(...params) as IterableIterator<R>;
        };
        const fill = () => {
          batch = [];
          at = 0;
          if (rows === null) open();
          for (let i = 0; i < STREAM_BATCH; i++) {
            const r = (rows as IterableIterator<R>).next();
            if (r.done) {
              done = true;
              break;
            }
            batch.push(r.value);
          }
        };
        const next = (): IteratorResult<R> => {
          if (at === batch.length) {
            if (done) return { done: true, value: undefined };
            fill();
            if (batch.length === 0) return { done: true, value: undefined };
          }
          return { done: false, value: batch[at++] as R };
        };
        return {
          next: () => (at < batch.length ? Promise.resolve({ done: false, value: batch[at++] as R }) : this.call(next)),
          return: () => {
            if (!done) rows?.return?.();
            done = true;
            batch = [];
            at = 0;
            return Promise.resolve({ done: true, value: undefined });
          },
        };
      },
    };
  }

  /**
   * Inserts one whole row (every column but the id, so nothing is left to a default) and gives it back
   * with its new id, without reading it again. The SQL is a plain string per table and column set,
   * prepared once: a bulk write (a bundle of thousands of records) would otherwise spend more time
   * building and compiling queries, then reading each row back, than SQLite spends writing them.
   * (RETURNING is no help: measured slower than reading the row back, with the history triggers.)
   */
  insertRow<T extends IdTable>(table: T, row: NewRow<T>): Promise<Row<T>> {
    return this.call(() => ({ id: this.insertOne(table, row as Record<string, unknown>), ...row }) as unknown as Row<T>);
  }

  /** All in one synchronous loop: no promise, no await per row. */
  insertRows<T extends IdTable>(
    table: T,
    count: number,
    row: (i: number) => NewRow<T>,
    inserted: (i: number, id: number) => void,
  ): Promise<void> {
    return this.call(() => {
      for (let i = 0; i < count; i++) inserted(i, this.insertOne(table, row(i) as Record<string, unknown>));
    });
  }

  /**
   * One INSERT of a whole row, its statement found by table and column names (a row made by the same code
   * has the same keys in the same order), so a bulk write builds no SQL text per row.
   */
  private insertOne(table: IdTable, values: Record<string, unknown>): number {
    const columns = Object.keys(values);
    const key = `${table} ${columns.join(' ')}`;
    let stmt = this.inserts.get(key);
    if (!stmt) {
      stmt = this.sqlite.prepare(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      this.inserts.set(key, stmt);
    }
    const params = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) params[i] = values[columns[i]];
    return Number(stmt.run(params).lastInsertRowid);
  }

  rowById<T extends IdTable>(table: T, id: number): Promise<Row<T> | undefined> {
    return this.call(() => this.firstRow(`SELECT * FROM ${table} WHERE id = ?`, [id]) as Row<T> | undefined);
  }

  hasId(table: IdTable, id: number): Promise<boolean> {
    return this.call(() => this.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined);
  }

  /**
   * This connection's writes counted by total_changes() (every row any statement or trigger of it changed,
   * committed or rolled back: ~1 µs, no read transaction), and other connections' commits (worker threads,
   * a CLI import in another process) by PRAGMA data_version (~4 µs: a read transaction). The latter is read
   * once per synchronous run, which for a request is its key check and its handler together: a second
   * read within the run could only add a commit that landed during it, as if the request had come a few
   * microseconds later. While a transaction is open on this connection its uncommitted rows are visible to
   * what reads through it, so nothing read then may be kept: null.
   */
  readVersion(): string | null {
    if (this.open !== null || this.sqlite.inTransaction) return null;
    const [changes, dataVersion] = (this.versionReads ??= [
      this.sqlite.prepare('SELECT total_changes()').pluck(),
      this.sqlite.prepare('PRAGMA data_version').pluck(),
    ]);
    if (this.dataVersion === undefined) {
      this.dataVersion = dataVersion.get() as number;
      queueMicrotask(() => {
        this.dataVersion = undefined;
      });
    }
    return `${changes.get()}.${this.dataVersion}`;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const ctx = this.context.getStore() ?? OUTSIDE;
    return this.inTransaction(ctx, ctx, fn);
  }

  writeAs<T>(writer: Viewer, fn: () => Promise<T>): Promise<T> {
    const ctx = this.context.getStore() ?? OUTSIDE;
    return this.inTransaction(ctx, { ...ctx, writer }, fn);
  }

  withoutHistory<T>(fn: () => Promise<T>): Promise<T> {
    const ctx = this.context.getStore() ?? OUTSIDE;
    return this.within({ ...ctx, history: false }, fn);
  }

  /**
   * Runs `fn` with `ctx` as its async context. On Node 20 an enabled AsyncLocalStorage hooks every promise
   * the process makes (measured: awaits 2.5x slower), so the context is switched off again when the last
   * scope ends: reads outside transactions, nearly all of the traffic, pay nothing for it.
   */
  private async within<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
    this.scopes++;
    try {
      return await this.context.run(ctx, fn);
    } finally {
      if (--this.scopes === 0) this.context.disable();
    }
  }

  private inTransaction<T>(outer: Context, inner: Context, fn: () => Promise<T>): Promise<T> {
    if (outer.tx !== null && outer.tx === this.open) return this.savepoint(outer.tx, inner, fn);
    return this.outermost(inner, fn);
  }

  private async savepoint<T>(tx: Tx, ctx: Context, fn: () => Promise<T>): Promise<T> {
    const name = `sp${++tx.savepoints}`;
    this.sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await (ctx === this.context.getStore() ? fn() : this.within(ctx, fn));
      this.sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      this.sqlite.exec(`ROLLBACK TO ${name}`);
      this.sqlite.exec(`RELEASE ${name}`);
      throw err;
    }
  }

  private async outermost<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const before = this.queue;
    this.queue = ended;
    await before;
    const tx: Tx = { savepoints: 0, ended };
    this.open = tx;
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.within({ ...ctx, tx }, fn);
        this.sqlite.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.open = null;
      end();
    }
  }

  close(): Promise<void> {
    this.cache.clear();
    this.sqlite.close();
    return Promise.resolve();
  }
}

export function openDatabase(file: string): SqliteDb {
  const sqlite = new BetterSqlite3(file);
  applySqliteSettings(sqlite);
  return new SqliteDb(sqlite);
}
