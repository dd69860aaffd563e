import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../generated/schema-types.js';
import { conflict, notFound } from '../http/problem.js';
import { nowIso } from '../shared/partial-date.js';
import { ReadCache } from '../shared/read-cache.js';
import type { Role } from '../shared/viewer.js';
import type { KeyRepository, KeyRow } from './key-repository.js';

// wsk_<id>_<43 base64url characters: 256 random bits>. The id finds the row; the secret is compared
// by hash in constant time, so neither a lookup nor a comparison leaks how much of a guess was right.
const KEY_FORMAT = /^wsk_([1-9][0-9]{0,15})_([A-Za-z0-9_-]{43})$/;

// One-shot: no Hash object for the digest every authenticated request computes.
const hashSecret = (secret: string) => hash('sha256', secret, 'buffer');

export function keyToApi(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}

export type Authentication = { ok: true; key: KeyRow } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/** A key that authenticated, with its hash as bytes, ready to compare the next presented secret with. */
interface CheckedKey {
  row: KeyRow;
  hash: Buffer;
}

export class KeyService {
  /**
   * Keys that authenticated, by id, while the database is unchanged: a revocation or any other change to a
   * key is a commit, which empties it (ReadCache). The secret is still hashed and compared in constant time
   * on every request; only the row lookup is saved.
   */
  private readonly checked = new ReadCache<CheckedKey>(1000);

  constructor(private readonly repo: KeyRepository) {}

  /** Creates a key; the plaintext is returned here once and never stored. */
  async create(name: string, role: Role, createdBy: number | null): Promise<{ key: KeyRow; secret: string }> {
    const secret = randomBytes(32).toString('base64url');
    const id = await this.repo.insert({
      name,
      role,
      hash: hashSecret(secret).toString('hex'),
      created_at: nowIso(),
      created_by: createdBy,
    });
    return { key: (await this.repo.get(id))!, secret: `wsk_${id}_${secret}` };
  }

  /**
   * The key of a secret whose key authenticated since the database last changed, without reading it again;
   * undefined for anything else (then `authenticate` decides).
   */
  authenticated(presented: string): KeyRow | undefined {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return undefined;
    const checked = this.checked.get(m[1], this.repo.readVersion());
    return checked && timingSafeEqual(hashSecret(m[2]), checked.hash) ? checked.row : undefined;
  }

  async authenticate(presented: string): Promise<Authentication> {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return { ok: false, reason: 'malformed' };
    const version = this.repo.readVersion();
    const row = await this.repo.get(Number(m[1]));
    const expected = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(32);
    const same = timingSafeEqual(hashSecret(m[2]), expected);
    if (!row || !same) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    this.checked.set(m[1], version, { row, hash: expected });
    return { ok: true, key: row };
  }

  async get(id: number): Promise<KeyRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('key', id);
    return row;
  }

  list(afterId: number, limit: number, includeRevoked: boolean): Promise<KeyRow[]> {
    return this.repo.list(afterId, limit + 1, includeRevoked);
  }

  async revoke(id: number, by: number | null): Promise<KeyRow> {
    const row = await this.get(id);
    if (row.revoked_at) throw conflict(`Key ${id} was already revoked at ${row.revoked_at}.`);
    if (id === by) throw conflict('A key cannot revoke itself; use another admin key.');
    await this.repo.revoke(id, nowIso());
    return (await this.repo.get(id))!;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.repo.count()) === 0;
  }
}
