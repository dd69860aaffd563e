import { Argument, type Command, InvalidArgumentError } from 'commander';
import { keyToApi } from '../../access/key-service.js';
import { HttpError } from '../../http/problem.js';
import type { Role } from '../../shared/viewer.js';
import { dbFileOf, openForCommand } from '../database.js';
import { CliError } from '../errors.js';

const ROLES: Role[] = ['reader', 'journalist', 'editor', 'admin'];

export function keyCommands(program: Command): void {
  const keys = program.command('keys').description('Manage API keys from the shell (the same as /v1/keys, without needing a key)');

  keys
    .command('create')
    .description('Create a key and print it, once (only its hash is stored)')
    .argument('<name>', 'who or what the key is for, e.g. "standards desk"')
    .addArgument(new Argument('<role>', 'what it may do').choices(ROLES))
    .action(async (name: string, role: Role, _opts: unknown, cmd: Command) => {
      if (!name.trim()) throw new CliError('a key needs a name');
      const { db, services } = await openForCommand(dbFileOf(cmd), 'write');
      try {
        const { key, secret } = await db.transaction(() => services.keys.create(name, role, null));
        console.log(`key ${key.id} (${key.role}) for ${key.name}; shown this once:\n${secret}`);
      } finally {
        await db.close();
      }
    });

  keys
    .command('list')
    .description('List keys (never the keys themselves), revoked ones included')
    .action(async (_opts: unknown, cmd: Command) => {
      const { db, services } = await openForCommand(dbFileOf(cmd), 'read');
      try {
        for (const k of (await services.keys.list(0, 1_000_000, true)).map(keyToApi))
          console.log(`${k.id}\t${k.role}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}`);
      } finally {
        await db.close();
      }
    });

  keys
    .command('revoke')
    .description('Revoke a key: it gets 401 from then on')
    .argument('<id>', 'the key id (see keys list)', keyId)
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const { db, services } = await openForCommand(dbFileOf(cmd), 'read');
      try {
        await db.transaction(() => services.keys.revoke(id, null));
        console.log(`key ${id} revoked`);
      } catch (err) {
        if (err instanceof HttpError) throw new CliError(err.message);
        throw err;
      } finally {
        await db.close();
      }
    });
}

function keyId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new InvalidArgumentError(`a key id is a positive whole number, not "${raw}"`);
  return Number(raw);
}
