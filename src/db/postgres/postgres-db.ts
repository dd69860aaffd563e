// PostgreSQL's side of the Db (src/db/db.ts): a pool of connections, and transactions found through the
// async context rather than passed around.
//
// Settings the history triggers read (agreed with the migrations, migrations/ on PostgreSQL). Both are
// transaction-local (set_config(name, value, true)), set by every transaction as it begins, so nothing
// leaks to the next user of a pooled connection:
//   whosaid.key_id   the writing API key's id as text; '' or unset (NULL) for the operator (no key).
//                    Read: nullif(current_setting('whosaid.key_id', true), '')::bigint
//   whosaid.history  'off' inside withoutHistory; '' or unset means on.
//                    Read: coalesce(current_setting('whosaid.history', true), '') <> 'off'
// A setting once set on a connection reads '' (not NULL) after its transaction ends: read both as above.
//
// Writes take turns, as on SQLite: every transaction first takes the advisory lock the history triggers
// take before they append to the chain (HISTORY_LOCK, migrations/lib/pg-history-triggers-v1.ts). Taken
// only by the trigger, at a transaction's first recorded write, it would let two transactions each lock
// rows, then wait for each other (a deadlock PostgreSQL breaks by failing one).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, PostgresDialect, type Compilable } from 'kysely';
import type pg from 'pg';
import { OPERATOR } from '../../access/field-permissions.js';
import type { Viewer } from '../../shared/viewer.js';
import { HISTORY_LOCK } from '../../../migrations/lib/pg-history-triggers-v1.js';
import type { Db, IdTable, NewRow, Row } from '../db.js';
import type { Database } from '../tables.js';
import { numberPlaceholders } from './placeholders.js';
import { createPool, type PoolOptions } from './pool.js';

export const KEY_ID_SETTING = 'whosaid.key_id';
export const HISTORY_SETTING = 'whosaid.history';

/** Rows a stream fetches per round trip. */
const STREAM_BATCH = 500;

/** One transaction: its connection, and counters naming its savepoints and cursors. */
interface Transaction {
  client: pg.PoolClient;
  names: number;
}

/** What the async context carries: who writes, whether history is on, and the transaction if inside one. */
interface Scope {
  tx?: Transaction;
  writer: Viewer;
  history: boolean;
}

type Settings = Omit<Scope, 'tx'>;

/** What a read snapshot shares with the PostgresDb it was taken from, and the transaction it holds. */
interface Snapshot {
  pool: pg.Pool;
  pinned: Transaction;
  prepared: Map<string, pg.QueryConfig>;
}

const DEFAULTS: Settings = { writer: OPERATOR, history: true };
const isDefault = (s: Settings) => s.writer.keyId === null && s.history;
const sameSettings = (a: Settings, b: Settings) => a.writer.keyId === b.writer.keyId && a.history === b.history;

export class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly kysely: Kysely<Database>;
  readonly pool: pg.Pool;
  private readonly context = new AsyncLocalStorage<Scope>();
  /** A read snapshot's own transaction, which every call on it joins (see readSnapshot). */
  private readonly pinned?: Transaction;
  /** The statements of insertRow, rowById and hasId, by table and columns: prepared once per connection. */
  private readonly prepared: Map<string, pg.QueryConfig>;
  private closed = false;

  constructor(url: string | Snapshot, options: PoolOptions = { size: 1 }) {
    if (typeof url === 'string') {
      this.pool = createPool(url, options);
      this.prepared = new Map();
    } else ({ pool: this.pool, pinned: this.pinned, prepared: this.prepared } = url);
    // Kysely's own PostgresDialect, over a pool that hands out the current transaction's connection when
    // there is one: a query run with Kysely's execute() joins the transaction like one run with `all`.
    const pool = this.pool;
    const current = () => this.current();
    this.kysely = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: {
          async connect() {
            const tx = current()?.tx;
            if (!tx) return pool.connect();
            return { query: tx.client.query.bind(tx.client), release() {} } as unknown as pg.PoolClient;
          },
          // close() ends the pool itself: Kysely ends its driver only if it ever ran a query.
          end: async () => {},
        },
      }),
    });
  }

  get writer(): Viewer {
    return this.current()?.writer ?? OPERATOR;
  }

  async all<R>(query: Compilable<R>): Promise<R[]> {
    const { sql, parameters } = query.compile();
    return (await this.exec(sql, parameters)).rows as R[];
  }

  async first<R>(query: Compilable<R>): Promise<R | undefined> {
    return (await this.all(query))[0];
  }

  async run<R>(query: Compilable<R>): Promise<{ changes: number; row?: R }> {
    const { sql, parameters } = query.compile();
    const result = await this.exec(sql, parameters);
    const changes = result.rowCount ?? 0;
    return result.rows.length ? { changes, row: result.rows[0] as R } : { changes };
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.exec(numberPlaceholders(sql), params)).rows as R[];
  }

  async queryFirst<R>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.query<R>(sql, params))[0];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.exec(numberPlaceholders(sql), params)).rowCount ?? 0;
  }

  stream<R>(sql: string, params: readonly unknown[] = []): AsyncIterable<R> {
    // The scope is taken when the stream is asked for, not when it is first read.
    const scope = this.current();
    const text = numberPlaceholders(sql);
    return { [Symbol.asyncIterator]: () => this.cursor<R>(scope, text, params) };
  }

  async insertRow<T extends IdTable>(table: T, row: NewRow<T>): Promise<Row<T>> {
    const values = row as Record<string, unknown>;
    const columns = Object.keys(values);
    const statement = this.statement(`insert ${table} ${columns.join(' ')}`, () => {
      const names = columns.map((c) => `"${c}"`).join(', ');
      return `INSERT INTO ${table} (${names}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
    });
    const { rows } = await this.exec(
      statement,
      columns.map((c) => values[c]),
    );
    return { id: rows[0].id, ...row } as unknown as Row<T>;
  }

  /**
   * Each row in its own savepoint: a refused statement aborts a whole PostgreSQL transaction, and the
   * caller may need to read after a refusal (to explain it) with the rows before it still there, as on SQLite.
   */
  async insertRows<T extends IdTable>(
    table: T,
    count: number,
    row: (i: number) => NewRow<T>,
    inserted: (i: number, id: number) => void,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { id } = (await this.transaction(() => this.insertRow(table, row(i)))) as { id: number };
      inserted(i, id);
    }
  }

  async rowById<T extends IdTable>(table: T, id: number): Promise<Row<T> | undefined> {
    const statement = this.statement(`row ${table}`, () => `SELECT * FROM ${table} WHERE id = $1`);
    return (await this.exec(statement, [id])).rows[0] as Row<T> | undefined;
  }

  /**
   * Never known cheaply: another server process may commit at any moment, and asking the server would cost
   * the round trip a kept read saves.
   */
  readVersion(): null {
    return null;
  }

  async hasId(table: IdTable, id: number): Promise<boolean> {
    const statement = this.statement(`has ${table}`, () => `SELECT 1 FROM ${table} WHERE id = $1`);
    return (await this.exec(statement, [id])).rows.length > 0;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const scope = this.current();
    return this.within(scope, scope ?? DEFAULTS, fn);
  }

  writeAs<T>(writer: Viewer, fn: () => Promise<T>): Promise<T> {
    const scope = this.current();
    return this.within(scope, { writer, history: scope?.history ?? true }, fn);
  }

  withoutHistory<T>(fn: () => Promise<T>): Promise<T> {
    const scope = this.current();
    const settings = { writer: scope?.writer ?? OPERATOR, history: false };
    // Outside a transaction no connection is held: each statement inside gets the setting (see exec).
    if (!scope?.tx) return this.context.run(settings, fn);
    return this.within(scope, settings, fn);
  }

  /**
   * A read-only view of the database as it is now, on one pooled connection held in a repeatable-read
   * transaction until close(): a long report read page by page sees no write that lands meanwhile. It
   * takes no history lock, so writers neither wait for it nor hold it up.
   */
  async readSnapshot(): Promise<PostgresDb> {
    const client = await this.pool.connect();
    try {
      // The snapshot is taken at the transaction's first statement: the SELECT, before anyone pages.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1');
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
    // The statement names are shared too: a pooled connection knows each name by the parent's SQL.
    return new PostgresDb({ pool: this.pool, pinned: { client, names: 0 }, prepared: this.prepared });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pinned) {
      // A snapshot gives its connection back to the pool it shares; the pool stays open.
      const { client } = this.pinned;
      let broken: Error | undefined;
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      client.release(broken);
      return;
    }
    await this.kysely.destroy();
    await this.pool.end();
  }

  /** The async context's scope, or inside a read snapshot its one transaction. */
  private current(): Scope | undefined {
    return this.context.getStore() ?? (this.pinned && { ...DEFAULTS, tx: this.pinned });
  }

  /**
   * A named statement, which each connection parses and plans once: half the time of an unnamed one for
   * these key lookups and inserts (measured), which a bundle runs thousands of. Only for these: a generic
   * plan can be a poor one for a query whose best plan depends on its parameters (search).
   */
  private statement(key: string, sql: () => string): pg.QueryConfig {
    let statement = this.prepared.get(key);
    if (!statement) {
      statement = { name: `ws_${this.prepared.size + 1}`, text: sql() };
      this.prepared.set(key, statement);
    }
    return statement;
  }

  /** Runs numbered SQL (or a named statement) on the current transaction's connection, or on any pooled one. */
  private exec(sql: string | pg.QueryConfig, params: readonly unknown[]): Promise<pg.QueryResult> {
    const scope = this.current();
    const query: pg.QueryConfig =
      typeof sql === 'string' ? { text: sql, values: params as unknown[] } : { ...sql, values: params as unknown[] };
    if (scope?.tx) return scope.tx.client.query(query);
    // A lone statement that must carry a setting (withoutHistory outside a transaction) runs in its own.
    if (scope && !isDefault(scope)) return this.within(undefined, scope, () => this.exec(sql, params));
    return this.pool.query(query);
  }

  /** A transaction with these settings: a new one on a pooled connection, or a savepoint inside the current one. */
  private async within<T>(outer: Scope | undefined, settings: Settings, fn: () => Promise<T>): Promise<T> {
    if (outer?.tx) return this.savepoint(outer, outer.tx, settings, fn);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin(settings));
      try {
        const result = await this.context.run({ ...settings, tx: { client, names: 0 } }, fn);
        const commit = await client.query('COMMIT');
        // PostgreSQL answers COMMIT with ROLLBACK when a statement inside failed and the callback went on.
        if (commit.command === 'ROLLBACK') throw new Error('transaction rolled back: a statement inside it failed');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((err: Error) => (broken = err));
        throw e;
      }
    } finally {
      // A connection whose state is unknown is closed, never handed to the next caller.
      client.release(broken);
    }
  }

  private async savepoint<T>(outer: Scope, tx: Transaction, settings: Settings, fn: () => Promise<T>): Promise<T> {
    const name = `ws_sp_${++tx.names}`;
    const changed = !sameSettings(outer, settings);
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      if (changed) await applySettings(tx.client, settings);
      const result = await this.context.run({ ...settings, tx }, fn);
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      // Released, the savepoint's settings stay in force for the rest of the transaction: put back the outer ones.
      if (changed) await applySettings(tx.client, outer);
      return result;
    } catch (e) {
      // Rolling back to the savepoint also restores the settings it changed.
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {});
      throw e;
    }
  }

  /** Reads a query through a server-side cursor, a batch per round trip, inside the current or a new transaction. */
  private async *cursor<R>(scope: Scope | undefined, sql: string, params: readonly unknown[]): AsyncGenerator<R> {
    const tx = scope?.tx;
    const client = tx ? tx.client : await this.pool.connect();
    const name = tx ? `ws_cursor_${++tx.names}` : 'ws_cursor';
    let broken: Error | undefined;
    try {
      if (!tx) {
        await client.query('BEGIN');
        if (scope && !isDefault(scope)) await applySettings(client, scope);
      }
      await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params as unknown[]);
      for (;;) {
        const { rows } = await client.query(`FETCH ${STREAM_BATCH} FROM ${name}`);
        for (const row of rows) yield row as R;
        if (rows.length < STREAM_BATCH) break;
      }
    } finally {
      // Also when the reader stops early (break) or fails: the cursor and its transaction end here.
      if (tx) await client.query(`CLOSE ${name}`).catch(() => {});
      else {
        await client.query('ROLLBACK').catch((err: Error) => (broken = err));
        client.release(broken);
      }
    }
  }
}

/** BEGIN, the history lock and the settings, in one round trip (a key id is an integer: nothing to quote). */
function begin({ writer, history }: Settings): string {
  if (writer.keyId !== null && !Number.isSafeInteger(writer.keyId)) throw new TypeError(`not a key id: ${writer.keyId}`);
  const keyId = writer.keyId === null ? '' : String(writer.keyId);
  return `BEGIN; SELECT pg_advisory_xact_lock(${HISTORY_LOCK}), set_config('${KEY_ID_SETTING}', '${keyId}', true), set_config('${HISTORY_SETTING}', '${history ? 'on' : 'off'}', true)`;
}

function applySettings(client: pg.PoolClient, { writer, history }: Settings): Promise<unknown> {
  return client.query(`SELECT set_config('${KEY_ID_SETTING}', $1, true), set_config('${HISTORY_SETTING}', $2, true)`, [
    writer.keyId === null ? '' : String(writer.keyId),
    history ? 'on' : 'off',
  ]);
}
