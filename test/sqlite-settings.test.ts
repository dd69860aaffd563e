import type { SqliteDb } from '../src/db/database.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { SQLITE_SETTINGS, assertServiceSettings, settingsDifferences, sqliteSettings } from '../src/db/sqlite-settings.js';
import { closeSnapshot, openSnapshot } from '../src/audits/audit-service.js';

describe('SQLite settings (one configuration for the service, its workers, the CLI and the benchmarks)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-sqlite-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('a database file opened as the server opens it (openMigrated)', () => {
    it('has every setting of SQLITE_SETTINGS, read back from SQLite', async () => {
      const db = await openMigrated(path.join(dir, 'w.db'));
      try {
        assert.deepEqual(sqliteSettings((db as SqliteDb).sqlite), { ...SQLITE_SETTINGS });
        assert.doesNotThrow(() => assertServiceSettings((db as SqliteDb).sqlite));
      } finally {
        await db.close();
      }
    });
  });

  describe('a second connection to the same file (worker threads, benchmarks)', () => {
    it('has the same settings', async () => {
      const file = path.join(dir, 'w.db');
      await (await openMigrated(file)).close();
      const db = openDatabase(file);
      try {
        assert.deepEqual(settingsDifferences((db as SqliteDb).sqlite), []);
      } finally {
        await db.close();
      }
    });
  });

  describe("an audit's read-only snapshot", () => {
    it('has the same settings', async () => {
      const db = await openMigrated(path.join(dir, 'w.db'));
      const snapshot = await openSnapshot(db);
      try {
        assert.ok(snapshot);
        assert.deepEqual(settingsDifferences((snapshot as SqliteDb).sqlite), []);
      } finally {
        if (snapshot) await closeSnapshot(snapshot);
        await db.close();
      }
    });
  });

  describe('a connection opened some other way', () => {
    it('is refused by the benchmarks’ check, naming each setting that differs', async () => {
      const file = path.join(dir, 'w.db');
      await (await openMigrated(file)).close();
      const plain = new BetterSqlite3(file);
      try {
        plain.pragma('cache_size = 1234');
        assert.throws(() => assertServiceSettings(plain, 'the plain connection'), /the plain connection .*cache_size: 1234 \(service: /);
      } finally {
        plain.close();
      }
    });
  });
});
