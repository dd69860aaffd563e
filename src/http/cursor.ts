import { HttpError } from './problem.js';

// A cursor is opaque to clients: base64url of a text only this service writes, in a shape its writer
// checks on the way back. Lists page by keyset on ascending id (i:<last id>); search has its own shape.
export const encodeToken = (text: string): string => Buffer.from(text).toString('base64url');

/** The parts of a cursor's text as `shape` captures them; null when it is not a cursor of that shape. */
export const decodeToken = (cursor: string, shape: RegExp): RegExpExecArray | null =>
  shape.exec(Buffer.from(cursor, 'base64url').toString('utf8'));

export function encodeCursor(lastId: number): string {
  return encodeToken(`i:${lastId}`);
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = decodeToken(cursor, /^i:(\d{1,16})$/);
  if (!m) {
    throw new HttpError(400, 'validation-failed', 'Request validation failed', 'cursor is not one this service issued.', {
      errors: [{ in: 'query', pointer: '/cursor', message: 'must be a nextCursor value from an earlier page' }],
    });
  }
  return Number(m[1]);
}

export function page<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
}
