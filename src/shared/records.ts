import type { ValidateFunction } from 'ajv';
import { conflict, unprocessable } from '../http/problem.js';
import { toFieldErrors } from '../http/validate.js';

import type { Db } from '../db/db.js';
import type { Reference } from '../db/references.js';

export type { Reference };

export function describeRefs(refs: Array<{ type: string }>): string {
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}${n === 1 ? '' : 's'}`).join(', ');
}

/**
 * Writes first and looks references up only when the database refuses the write. Its foreign keys (on
 * for every connection: src/db/sqlite-settings.ts) are checked at the end of every statement, so a row naming a missing record is refused and nothing of that
 * statement (history and log entries included) stays written; `explain` then does the lookups that say
 * which field was wrong, as the 4xx the caller would have had from checking first. A write that goes
 * through, the usual case, costs no lookup per reference: a bundle of thousands of records saves thousands.
 */
export function writeThenExplain<T>(db: Db, write: () => Promise<T>, explain: () => Promise<void>): Promise<T> {
  // A refused statement aborts a whole PostgreSQL transaction, and every write route runs in one: there
  // the write gets its own savepoint, so `explain` can still read. SQLite carries on after a refusal.
  return explainRefusal(db.dialect === 'postgres' ? () => db.transaction(write) : write, explain);
}

/**
 * writeThenExplain without the savepoint, for writes that give each statement its own where needed
 * (Db.insertRows): `explain` then sees what was written before the refused statement.
 */
export async function explainRefusal<T>(write: () => Promise<T>, explain: () => Promise<void>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isConstraintError(err)) await explain();
    throw err;
  }
}

/**
 * Creates records one after another in one database call (a repository's insertEach, Db.insertRows):
 * `input(i)` is asked for each when its turn comes and made a row by `row`; a refused one is explained by
 * `explain` from the input it was made of, as writeThenExplain explains a single create.
 */
export function createEachThenExplain<In, R>(
  input: (i: number) => In,
  row: (input: In) => R,
  insertEach: (row: (i: number) => R) => Promise<void>,
  explain: (input: In) => Promise<void>,
): Promise<void> {
  let last: In;
  return explainRefusal(
    () =>
      insertEach((i) => {
        last = input(i);
        return row(last);
      }),
    () => explain(last),
  );
}

/**
 * The database refused a write for a key, check or uniqueness rule: SQLite's SQLITE_CONSTRAINT_*, or
 * PostgreSQL's SQLSTATE class 23 (23505 unique, 23503 foreign key, 23514 check, 23000 from the history
 * triggers' same-statement rules). A pg error carries its SQLSTATE in `code` and is named 'error'.
 */
export function isConstraintError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (err.name === 'SqliteError') return code.startsWith('SQLITE_CONSTRAINT');
  return /^23[0-9A-Z]{3}$/.test(code);
}

/** A delete without cascade stops here while anything still points at the record. */
export function refuseIfReferenced(what: string, refs: Reference[], cascadeHint: string): void {
  if (refs.length > 0) {
    throw conflict(`${what} is still referenced by ${describeRefs(refs)}; ${cascadeHint}`, { references: refs });
  }
}

/** A patch merged onto the stored record must still be a valid whole record. */
export function mergePatch<T>(current: T, patch: Partial<T>, validateCreate: ValidateFunction, what: string): T {
  const merged = { ...current, ...patch } as T;
  if (!validateCreate(merged)) {
    throw unprocessable(`The ${what} would not be valid after this change.`, toFieldErrors('body', validateCreate.errors));
  }
  return merged;
}
