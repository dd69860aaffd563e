import { HttpError } from './problem.js';

// Opaque to clients: base64url of the last id seen. Keyset pagination on ascending id.
export function encodeCursor(lastId: number): string {
  return Buffer.from(`i:${lastId}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^i:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
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
