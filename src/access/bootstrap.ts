import type { Db } from '../db/database.js';
import type { KeyService } from './key-service.js';

/** On a first start with no keys, creates an admin key and hands its secret to `show`, once. */
export function ensureAdminKey(db: Db, keys: KeyService, show: (secret: string) => void): boolean {
  if (!keys.isEmpty()) return false;
  const { secret } = db.transaction(() => keys.create('first admin', 'admin', null));
  show(secret);
  return true;
}
