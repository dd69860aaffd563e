import type { Change, ChangeVerification } from '../generated/schema-types.js';
import { canReadColumn, RECORD_READERS } from '../access/field-permissions.js';
import { hasRole } from '../access/roles.js';
import type { Checkpoint } from '../log/checkpoint.js';
import type { LogRepository } from '../log/log-repository.js';
import type { Viewer } from '../shared/viewer.js';
import type { ChangeFilter, ChangeRepository, ChangeRow, Opening } from './change-repository.js';
import { verifyHistory } from './verify-history.js';

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * A stored record as the API shows it: camelCase names; a commitment stays a commitment, and gains its
 * value only for a viewer entitled to read that column.
 */
function toApi(
  type: string,
  side: 'before' | 'after',
  json: string | null,
  openings: Map<string, Opening>,
  viewer: Viewer,
): Record<string, unknown> | null {
  if (json === null) return null;
  const row = JSON.parse(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [col, value] of Object.entries(row)) {
    const opening = openings.get(`${side}:${col}`);
    const isCommitment = value !== null && typeof value === 'object' && 'commitment' in value;
    out[camel(col)] =
      isCommitment && opening && canReadColumn(viewer, type, col) ? { ...(value as object), value: JSON.parse(opening.value) } : value;
  }
  return out;
}

export function changeToApi(row: ChangeRow, viewer: Viewer, openings: Opening[] = []): Change {
  const mine = new Map(openings.filter((o) => o.seq === row.seq).map((o) => [`${o.side}:${o.column_name}`, o]));
  return {
    seq: row.seq,
    at: row.at,
    keyId: row.key_id,
    action: row.action as Change['action'],
    recordType: row.record_type,
    recordId: row.record_id,
    before: toApi(row.record_type, 'before', row.before, mine, viewer),
    after: toApi(row.record_type, 'after', row.after, mine, viewer),
    prevHash: row.prev_hash,
    hash: row.hash,
    leafHash: row.leaf_hash ? Buffer.from(row.leaf_hash).toString('hex') : '',
  };
}

export class ChangeService {
  constructor(
    private readonly repo: ChangeRepository,
    private readonly log: LogRepository,
  ) {}

  /** Record types the viewer may not see are left out (key records: admins only). */
  async list(f: ChangeFilter, afterSeq: number, limit: number, viewer: Viewer): Promise<{ rows: ChangeRow[]; openings: Opening[] }> {
    const hiddenTypes = Object.entries(RECORD_READERS)
      .filter(([, role]) => !hasRole(viewer, role))
      .map(([type]) => type);
    const rows = await this.repo.list({ ...f, hiddenTypes }, afterSeq, limit + 1);
    const openings = hasRole(viewer, 'editor') ? await this.repo.openings(rows.map((r) => r.seq)) : [];
    return { rows, openings };
  }

  verify(saved?: Checkpoint): Promise<ChangeVerification> {
    return verifyHistory(this.repo, this.log, saved);
  }
}
