import type { Db } from '../db/database.js';
import type { KeyService } from './key-service.js';

/**
 * On a first start with no keys, creates an admin key and hands its secret to `show`, once. Checked again
 * inside the write transaction: two processes starting together on one database (they take turns there)
 * make one key between them, not one each.
 */
export async function ensureAdminKey(db: Db, keys: KeyService, show: (secret: string) => void): Promise<boolean> {
  if (!(await keys.isEmpty())) return false;
  const made = await db.transaction(async () => ((await keys.isEmpty()) ? keys.create('first admin', 'admin', null) : undefined));
  if (!made) return false;
  show(made.secret);
  return true;
}
