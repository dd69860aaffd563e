import { HttpError } from '../http/problem.js';

/**
 * Parses a JSON column of a stored record. A value that is not JSON (written around the service, by hand or
 * by a tool) is the record's fault, not the request's and not a crash: the answer names the record and the
 * column so someone can repair it, and the rest of the service keeps working.
 */
export function parseStored<T = unknown>(raw: string, type: string, id: number | string, column: string): T {
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new HttpError(
      409,
      'unreadable-record',
      'A stored record cannot be read',
      `The stored ${column} of ${type} ${id} is not valid JSON; it was written around the service. An operator has to repair the stored value.`,
      { record: { type, id, column } },
    );
  }
}
