// npm run keys -- create <name> <role> | list | revoke <id>
import { createServices } from '../app.js';
import { loadConfig } from '../config.js';
import { openMigrated } from '../db/open.js';
import { keyToApi } from '../access/key-service.js';
import { createSchemaRegistry } from '../validation/ajv.js';
import type { Role } from '../shared/viewer.js';

const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];
const [command, ...rest] = process.argv.slice(2);
const usage = 'usage: npm run keys -- create <name> <reader|journalist|editor|admin> | list | revoke <id>';

const db = await openMigrated(loadConfig().dbFile);
const { keys } = createServices(db, createSchemaRegistry());
try {
  if (command === 'create' && rest.length === 2 && ROLES.includes(rest[1] as Role)) {
    const { key, secret } = db.transaction(() => keys.create(rest[0], rest[1] as Role, null));
    console.log(`key ${key.id} (${key.role}) for ${key.name}; shown this once:\n${secret}`);
  } else if (command === 'list') {
    for (const k of keys.list(0, 10_000, true).map(keyToApi))
      console.log(`${k.id}\t${k.role}\t${k.revokedAt ? 'revoked ' + k.revokedAt : 'active'}\t${k.name}`);
  } else if (command === 'revoke' && /^\d+$/.test(rest[0] ?? '')) {
    db.transaction(() => keys.revoke(Number(rest[0]), null));
    console.log(`key ${rest[0]} revoked`);
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
} finally {
  db.close();
}
