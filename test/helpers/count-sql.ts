import type { Db } from '../../src/db/database.js';

const RUNS = new Set<PropertyKey>(['all', 'get', 'run', 'iterate']);

/**
 * Counts the SQL statements run through `db.prepare` from now on (each all/get/run/iterate is one), so a
 * test or a benchmark can tell how many queries a piece of work costs. Returns the counter and a restore.
 */
export function countSql(db: Db): { readonly count: number; reset(): void; restore(): void; sql: string[] } {
  const original = db.prepare;
  const state = { count: 0, sql: [] as string[] };
  db.prepare = (sql: string) => {
    const stmt = original.call(db, sql);
    const proxy: typeof stmt = new Proxy(stmt, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (RUNS.has(key) && typeof value === 'function') {
          return (...args: unknown[]) => {
            state.count++;
            state.sql.push(sql);
            return value.apply(target, args);
          };
        }
        if (typeof value !== 'function') return value;
        // pluck(), raw() and the like return the statement itself: keep counting through what they return.
        return (...args: unknown[]) => {
          const out = value.apply(target, args);
          return out === target ? proxy : out;
        };
      },
    });
    return proxy;
  };
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
      db.prepare = original;
    },
  };
}
