import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable, type Insertable, type Selectable } from 'kysely';
import type { Database } from './tables.js';
import { registerFunctions, type WriteContext } from './functions.js';
import { applySqliteSettings } from './sqlite-settings.js';
import { OPERATOR } from '../access/field-permissions.js';
import type { Viewer } from '../shared/viewer.js';

export type Sqlite = BetterSqlite3.Database;

/**
 * Kysely builds and types the SQL; better-sqlite3 runs it synchronously through a cache of prepared
 * statements (Kysely's own driver would prepare each query anew). Synchronous execution also makes
 * `transaction` truly atomic: nothing else runs between its statements.
 */
export class Db {
  readonly sqlite: Sqlite;
  readonly kysely: Kysely<Database>;
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  /** Read by the history triggers: the key behind the current write, and whether history is on. */
  readonly writeContext: WriteContext = { keyId: null, history: true, writer: OPERATOR };

  constructor(sqlite: Sqlite) {
    this.sqlite = sqlite;
    registerFunctions(sqlite, this.writeContext);
    this.kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }

  prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (this.cache.size > 2000) this.cache.clear();
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  all<R>(query: Compilable<R>): R[] {
    const { sql, parameters } = query.compile();
    return this.prepare(sql).all(...(parameters as unknown[])) as R[];
  }

  first<R>(query: Compilable<R>): R | undefined {
    const { sql, parameters } = query.compile();
    const stmt = this.prepare(sql);
    return (stmt.reader ? stmt.get(...(parameters as unknown[])) : undefined) as R | undefined;
  }

  /** Runs a write; with RETURNING it gives the returned row. */
  run<R>(query: Compilable<R>): { changes: number; lastInsertRowid: number; row?: R } {
    const { sql, parameters } = query.compile();
    const stmt = this.prepare(sql);
    if (stmt.reader) {
      const row = stmt.get(...(parameters as unknown[])) as R | undefined;
      return { changes: row ? 1 : 0, lastInsertRowid: 0, row };
    }
    const r = stmt.run(...(parameters as unknown[]));
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /**
   * Inserts one whole row (every column but the id, so nothing is left to a default) and gives it back
   * with its new id, without reading it again. The SQL is a plain string per table and column set,
   * prepared once: a bulk write (a bundle of thousands of records) would otherwise spend more time
   * building and compiling queries, then reading each row back, than SQLite spends writing them.
   * (RETURNING is no help: measured slower than reading the row back, with the history triggers.)
   */
  insertRow<T extends IdTable>(table: T, row: NewRow<T>): Row<T> {
    const values = row as Record<string, unknown>;
    const columns = Object.keys(values);
    const sql = `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    const id = Number(this.prepare(sql).run(...columns.map((c) => values[c])).lastInsertRowid);
    return { id, ...row } as unknown as Row<T>;
  }

  /** The row of a table keyed by `id`, through one prepared statement per table. */
  rowById<T extends IdTable>(table: T, id: number): Row<T> | undefined {
    return this.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row<T> | undefined;
  }

  /** Whether a table keyed by `id` has a row with this id (without reading the row: a document's body can be large). */
  hasId(table: IdTable, id: number): boolean {
    return this.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
  }

  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)();
  }

  /**
   * A write transaction made by this writer: recorded in the history with its key, and the writer the
   * services authorize confidential fields against. A request writes as its viewer; the operator's own
   * tools (CLI, demo loader) as OPERATOR (src/access/field-permissions.ts).
   */
  writeAs<T>(writer: Viewer, fn: () => T): T {
    const previous = { keyId: this.writeContext.keyId, writer: this.writeContext.writer };
    this.writeContext.keyId = writer.keyId;
    this.writeContext.writer = writer;
    try {
      return this.sqlite.transaction(fn)();
    } finally {
      this.writeContext.keyId = previous.keyId;
      this.writeContext.writer = previous.writer;
    }
  }

  close(): void {
    this.cache.clear();
    this.sqlite.close();
  }
}

export function openDatabase(file: string): Db {
  const sqlite = new BetterSqlite3(file);
  applySqliteSettings(sqlite);
  return new Db(sqlite);
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A whole row of a table keyed by `id`, before it has one: every column named, none left to a default. */
export type NewRow<T extends IdTable> = Omit<Row<T>, 'id'>;

/** The tables whose rows are keyed by an integer `id`. */
export type IdTable = 'actors' | 'documents' | 'statements' | 'relays' | 'claims' | 'tags' | 'api_keys';
