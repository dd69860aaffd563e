import type { Db } from '../db/database.js';
import type { KeyService } from './key-service.js';

/** On a first start with no keys, creates an admin key and hands its secret to `show`, once. */
export async function ensureAdminKey(db: Db, keys: KeyService, show: (secret: string) => void): Promise<boolean> {
  if (!(await keys.isEmpty())) return false;
  const { secret } = await db.transaction(() => keys.create('first admin', 'admin', null));
  show(secret);
  return true;
}
