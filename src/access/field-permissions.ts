// Who may read and write each confidential field: the one table every write path and every reader of
// history consults. A field not listed here is not confidential. Roles rank reader < journalist <
// editor < admin; "editor" means editors and admins.
import type { Role, Viewer } from '../shared/viewer.js';
import { HttpError } from '../http/problem.js';
import { hasRole } from './roles.js';

export interface FieldRule {
  /** Least role that may see the value (elsewhere it is absent, or a commitment in history). */
  read: Role;
  /** Least role that may set, change or clear it. */
  write: Role;
  /** Its column in the table. */
  column: string;
}

export const CONFIDENTIAL_FIELDS: Record<string, Record<string, FieldRule>> = {
  actor: {
    attestation: { read: 'editor', write: 'editor', column: 'attestation' },
    confidentialNotes: { read: 'editor', write: 'editor', column: 'confidential_notes' },
  },
};

/** Record types whose change records only these roles may see at all. */
export const RECORD_READERS: Record<string, Role> = { key: 'admin' };

export const canReadRecordType = (viewer: Viewer, type: string) => !RECORD_READERS[type] || hasRole(viewer, RECORD_READERS[type]);

/** May this viewer read this column of this record type's history? */
export function canReadColumn(viewer: Viewer, type: string, column: string): boolean {
  if (!canReadRecordType(viewer, type)) return false;
  const rule = Object.values(CONFIDENTIAL_FIELDS[type] ?? {}).find((r) => r.column === column);
  return !rule || hasRole(viewer, rule.read);
}

/** Who writes when no request is behind the write: the operator, who holds the database file (CLI, demo). */
export const OPERATOR: Viewer = { role: 'admin', keyId: null };

export const confidentialFields = (type: string): string[] => Object.keys(CONFIDENTIAL_FIELDS[type] ?? {});

/** The item without its confidential fields: what may decide an answer anyone can see. */
export const withoutConfidential = <T extends object>(type: string, item: T): Partial<T> => {
  const fields = CONFIDENTIAL_FIELDS[type];
  // Most types have none: the item itself, not a copy (a bundle digests thousands of items).
  if (!fields) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !(k in fields))) as Partial<T>;
};

export const hasConfidential = (type: string, item: object): boolean =>
  confidentialFields(type).some((f) => (item as Record<string, unknown>)[f] !== undefined);

/**
 * Refuses (403, naming each field) a write that sets, changes or clears a confidential field the writer
 * may not write. Called by the service of every record type that has such fields, before anything else,
 * so no path (route, bundle, inline speaker, import) can go around it.
 */
export function authorizeFieldWrites(type: string, input: object, writer: Viewer): void {
  const refused = Object.entries(CONFIDENTIAL_FIELDS[type] ?? {}).filter(
    ([field, rule]) => (input as Record<string, unknown>)[field] !== undefined && !hasRole(writer, rule.write),
  );
  if (refused.length === 0) return;
  const names = refused.map(([f]) => f);
  const least = refused[0][1].write;
  throw new HttpError(403, 'forbidden', 'Forbidden', `Writing ${names.join(' and ')} needs a key with the ${least} role or above.`, {
    errors: refused.map(([f, rule]) => ({ in: 'body', pointer: `/${f}`, message: `needs the ${rule.write} role or above` })),
  });
}
