import type { ValidateFunction } from 'ajv';
import { conflict, unprocessable } from '../http/problem.js';
import { toFieldErrors } from '../http/validate.js';

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
export async function writeThenExplain<T>(write: () => Promise<T>, explain: () => Promise<void>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof Error && err.name === 'SqliteError' && (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT'))
      await explain();
    throw err;
  }
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
