// A list of ids as one query parameter, so a query over any number of ids has one SQL text (prepared once):
// a JSON array read by json_each on SQLite, an array on PostgreSQL (its json_each reads objects only).
import type { Dialect } from './db.js';

export interface IdList {
  /** A subquery of the ids, for `x IN (...)`. */
  set: string;
  /** The ids as a table whose one column is `value`, for joins. */
  table(alias: string): string;
  /** The parameter both take. */
  param(ids: readonly number[]): unknown;
}

const ID_LISTS: Record<Dialect, IdList> = {
  sqlite: {
    set: 'SELECT value FROM json_each(?)',
    table: (alias) => `json_each(?) ${alias}`,
    param: (ids) => JSON.stringify(ids),
  },
  postgres: {
    set: 'SELECT unnest(CAST(? AS bigint[]))',
    table: (alias) => `unnest(CAST(? AS bigint[])) AS ${alias}(value)`,
    param: (ids) => ids,
  },
};

export const idList = (dialect: Dialect): IdList => ID_LISTS[dialect];
