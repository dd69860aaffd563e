import type { Compilable } from 'kysely';
import type { Db } from '../../src/db/database.js';

// Every Db call that runs one SQL statement, and how to name that statement.
const CALLS: Record<string, (args: unknown[]) => string> = {
  all: (a) => (a[0] as Compilable<unknown>).compile().sql,
  first: (a) => (a[0] as Compilable<unknown>).compile().sql,
  run: (a) => (a[0] as Compilable<unknown>).compile().sql,
  query: (a) => a[0] as string,
  queryFirst: (a) => a[0] as string,
  execute: (a) => a[0] as string,
  stream: (a) => a[0] as string,
  insertRow: (a) => `INSERT INTO ${a[0]}`,
  rowById: (a) => `SELECT * FROM ${a[0]} WHERE id = ?`,
  hasId: (a) => `SELECT 1 FROM ${a[0]} WHERE id = ?`,
  // SQLite's read version is a statement (PRAGMA data_version, with total_changes()); PostgreSQL's runs none.
  readVersion: () => 'PRAGMA data_version',
};

/**
 * Counts the SQL statements run through `db` from now on (each query, write or scan is one), so a test or a
 * benchmark can tell how many queries a piece of work costs. Returns the counter and a restore.
 */
export function countSql(db: Db): { readonly count: number; reset(): void; restore(): void; sql: string[] } {
  const target = db as unknown as Record<string, (...args: unknown[]) => unknown>;
  const state = { count: 0, sql: [] as string[] };
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  // A call made by another counted call as it starts (PostgresDb's queryFirst runs query, first runs
  // all) is the same statement: count the outer one only.
  let inside = false;
  for (const [name, sqlOf] of Object.entries(CALLS)) {
    if (name === 'readVersion' && db.dialect !== 'sqlite') continue;
    const original = target[name];
    originals.set(name, original);
    target[name] = (...args: unknown[]) => {
      if (inside) return original.apply(db, args);
      state.count++;
      state.sql.push(sqlOf(args));
      inside = true;
      try {
        return original.apply(db, args);
      } finally {
        inside = false;
      }
    };
  }
  return {
    get count() {
      return state.count;
    },
    sql: state.sql,
    reset() {
      state.count = 0;
      state.sql.length = 0;
    },
    restore() {
      for (const name of originals.keys()) delete target[name];
    },
  };
}
