import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, StartupError } from '../src/config.js';
import type { Db } from '../src/db/db.js';
import { knownMigrations } from '../src/db/migrate.js';
import { openDb } from '../src/db/open.js';
import type { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { createLogger, lineSink } from '../src/logging/logger.js';
import { startServer } from '../src/server.js';
import { closeAfterTest, emptyPostgresDatabase, testDialect } from './helpers/test-db.js';

describe('choosing the database', () => {
  describe('WHOSAID_DATABASE_URL and WHOSAID_DATABASE_POOL', () => {
    it('default to the SQLite file and a pool of 10', () => {
      const config = loadConfig({});
      assert.equal(config.databaseUrl, undefined);
      assert.equal(config.databasePool, 10);
    });

    it('take a postgres:// or postgresql:// URL and a pool size', () => {
      const config = loadConfig({ WHOSAID_DATABASE_URL: 'postgres://app:secret@db.internal:5432/whosaid', WHOSAID_DATABASE_POOL: '25' });
      assert.equal(config.databaseUrl, 'postgres://app:secret@db.internal:5432/whosaid');
      assert.equal(config.databasePool, 25);
      assert.equal(
        loadConfig({ WHOSAID_DATABASE_URL: 'postgresql:///whosaid?host=/run/postgresql' }).databaseUrl,
        'postgresql:///whosaid?host=/run/postgresql',
      );
    });

    it('refuses a URL of another kind without repeating it (it may hold a password)', () => {
      for (const url of ['mysql://app:s3cr3t@db/whosaid', 'db.internal:5432 s3cr3t', 'file:./s3cr3t.db']) {
        assert.throws(
          () => loadConfig({ WHOSAID_DATABASE_URL: url }),
          (e: Error) =>
            e instanceof StartupError && /^WHOSAID_DATABASE_URL must be a PostgreSQL URL/.test(e.message) && !e.message.includes('s3cr3t'),
        );
      }
    });

    it('refuses a pool size that is not an integer from 1 to 1000', () => {
      for (const size of ['0', '-1', '2.5', 'many', '1001']) {
        assert.throws(
          () => loadConfig({ WHOSAID_DATABASE_POOL: size }),
          (e: Error) => e instanceof StartupError && e.message === `WHOSAID_DATABASE_POOL must be an integer from 1 to 1000, not "${size}"`,
        );
      }
    });
  });
});

describe('opening the database the settings name', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'whosaid-db-setting-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const migrations = async (db: Db) =>
    (await db.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).map((r) => r.name);

  describe('openDb', () => {
    it('opens and migrates the SQLite file when no URL is set', async () => {
      const db = await openDb({ dbFile: path.join(dir, 'w.db'), databaseUrl: undefined, databasePool: 10 });
      try {
        assert.equal(db.dialect, 'sqlite');
        assert.deepEqual(await migrations(db), await knownMigrations());
      } finally {
        await db.close();
      }
    });

    it('opens and migrates the PostgreSQL database of the URL, with a pool of the size set (pending without npm run test:pg)', async function () {
      if (testDialect !== 'postgres') return this.skip();
      const dbFile = path.join(dir, 'not-used.db');
      const db = closeAfterTest(await openDb({ dbFile, databaseUrl: await emptyPostgresDatabase(), databasePool: 3 }));
      assert.equal(db.dialect, 'postgres');
      assert.equal((db as PostgresDb).pool.options.max, 3);
      assert.deepEqual(await migrations(db), await knownMigrations());
      assert.equal(existsSync(dbFile), false);
    });
  });

  describe('the server on PostgreSQL (pending without npm run test:pg)', () => {
    it('serves and writes through the database of WHOSAID_DATABASE_URL, and logs where it is without the password', async function () {
      if (testDialect !== 'postgres') return this.skip();
      const url = new URL(await emptyPostgresDatabase());
      url.password = 'not-needed-but-secret';
      const lines: string[] = [];
      let secret = '';
      const running = await startServer(
        {
          ...loadConfig({ WHOSAID_DATABASE_URL: url.toString(), WHOSAID_DATABASE_POOL: '4' }),
          port: 0,
          dbFile: path.join(dir, 'unused.db'),
          logKeyFile: path.join(dir, 'log.key'),
          loadDemo: false,
        },
        { logger: createLogger({ level: 'info', destination: lineSink((line) => lines.push(line)) }), showAdminKey: (s) => (secret = s) },
      );
      try {
        assert.equal(running.db.dialect, 'postgres');
        const base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
        const created = await fetch(`${base}/v1/claims`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'Written to PostgreSQL' }),
        });
        assert.equal(created.status, 201);
        const stored = await running.db.query<{ text: string }>('SELECT text FROM claims');
        assert.deepEqual(stored, [{ text: 'Written to PostgreSQL' }]);
        assert.ok(lines.some((l) => l.includes(`"db":"postgres://${url.host}${url.pathname}"`)));
        assert.ok(!lines.join('\n').includes('not-needed-but-secret'));
        assert.equal(existsSync(path.join(dir, 'unused.db')), false);
      } finally {
        await running.stop();
      }
    });
  });

  describe('the CLI on PostgreSQL (pending without npm run test:pg)', () => {
    // As a user runs it: bin/whosaid.mjs under plain node.
    const whosaid = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['bin/whosaid.mjs', ...args], {
        encoding: 'utf8',
        env: { ...process.env, WHOSAID_DB: '', ...env },
        timeout: 120000,
      });

    it('migrates and manages keys in the database of --db or WHOSAID_DATABASE_URL, and sends backup to pg_dump', async function () {
      if (testDialect !== 'postgres') return this.skip();
      this.timeout(120000);
      const url = await emptyPostgresDatabase();
      const migrated = whosaid(['--db', url, 'migrate']);
      assert.equal(migrated.status, 0, migrated.stderr);
      assert.match(migrated.stdout, /^applied: /);
      const created = whosaid(['keys', 'create', 'standards desk', 'editor'], { WHOSAID_DATABASE_URL: url });
      assert.equal(created.status, 0, created.stderr);
      const listed = whosaid(['--db', url, 'keys', 'list']);
      assert.equal(listed.stdout, '1\teditor\tactive\tstandards desk\n');
      const backup = whosaid(['backup', path.join(dir, 'copy.db')], { WHOSAID_DATABASE_URL: url });
      assert.equal(backup.status, 1);
      assert.equal(backup.stderr, 'whosaid: backup copies an SQLite database file; on PostgreSQL use pg_dump (or whosaid export)\n');
    });
  });
});
