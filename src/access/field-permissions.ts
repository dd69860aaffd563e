// Who may read and write each confidential field: the one table every write path and every reader of
// history consults. A field not listed here is not confidential. Roles rank reader < journalist <
// editor < admin; "editor" means editors and admins.
import type { Role, Viewer } from '../shared/viewer.js';
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
