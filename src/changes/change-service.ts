import type { Change, ChangeVerification } from '../generated/schema-types.js';
import { chainHash } from '../db/functions.js';
import { canSeeConfidential, type Viewer } from '../shared/viewer.js';
import type { ChangeFilter, ChangeRepository, ChangeRow } from './change-repository.js';

// Columns whose values only editors and admins may see, by record type.
const CONFIDENTIAL: Record<string, string[]> = { actor: ['attestation', 'confidential_notes'] };
export const REDACTED = '[redacted]';

function redact(type: string, json: string | null, viewer: Viewer): Record<string, unknown> | null {
  if (json === null) return null;
  const row = JSON.parse(json) as Record<string, unknown>;
  if (!canSeeConfidential(viewer)) {
    for (const col of CONFIDENTIAL[type] ?? []) if (row[col] !== null && row[col] !== undefined) row[col] = REDACTED;
  }
  return row;
}

export function changeToApi(row: ChangeRow, viewer: Viewer): Change {
  return {
    seq: row.seq,
    at: row.at,
    keyId: row.key_id,
    action: row.action as Change['action'],
    recordType: row.record_type,
    recordId: row.record_id,
    before: redact(row.record_type, row.before, viewer),
    after: redact(row.record_type, row.after, viewer),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export class ChangeService {
  constructor(private readonly repo: ChangeRepository) {}

  list(f: ChangeFilter, afterSeq: number, limit: number): ChangeRow[] {
    return this.repo.list(f, afterSeq, limit + 1);
  }

  /** Recomputes the chain from the first change and names the first link that does not hold. */
  verify(): ChangeVerification {
    let prev = '';
    let expectedSeq = 1;
    let checked = 0;
    for (const c of this.repo.iterate()) {
      const problem =
        c.seq !== expectedSeq
          ? `change ${expectedSeq} is missing (the next one is ${c.seq})`
          : c.prev_hash !== prev
            ? `change ${c.seq} does not point at the hash of change ${c.seq - 1}`
            : c.hash !== chainHash(c.prev_hash, c.seq, c.at, c.key_id, c.action, c.record_type, c.record_id, c.before, c.after)
              ? `change ${c.seq} does not match its hash: its content was altered`
              : null;
      if (problem)
        return { intact: false, checked, firstBroken: { seq: c.seq, recordType: c.record_type, recordId: c.record_id, reason: problem } };
      prev = c.hash;
      expectedSeq++;
      checked++;
    }
    return { intact: true, checked, lastHash: prev || null };
  }
}
