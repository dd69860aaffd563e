import { OPERATOR } from '../src/access/field-permissions.js';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { HISTORY_V2 } from '../migrations/2026-11-29T0727-transparency-log.js';
import { installHistoryTriggers } from '../migrations/lib/history-triggers-v1.js';
import { installPgHistoryTriggers } from '../migrations/lib/pg-history-triggers-v1.js';
import { isPostgres } from '../migrations/lib/dialect.js';
import type { Row } from './helpers/rows.js';

// A migration as a later change would write one: it adds a column and installs the next column list.
async function addRatingAndRecordIt<DB>(db: Kysely<DB>) {
  await sql`ALTER TABLE claims ADD COLUMN rating TEXT`.execute(db);
  const tables = HISTORY_V2.map((t) => (t.table === 'claims' ? { ...t, columns: [...t.columns, 'rating'] } : t));
  if (isPostgres(db)) await installPgHistoryTriggers(db, 3, tables, { log: true });
  else await installHistoryTriggers(db, 3, tables);
}

/** The columns a table has now, from the database's own catalog. */
async function liveColumns(t: TestApp, table: string): Promise<string[]> {
  const rows = (await t.db.query(
    t.db.dialect === 'postgres'
      ? 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?'
      : 'SELECT name FROM pragma_table_info(?)',
    [table],
  )) as Row[];
  return rows.map((r) => r.name as string);
}

async function claimWithRating(t: TestApp) {
  const claim = (await t.http.post('/v1/claims').send({ text: 'The hall held 6,200 people' }).expect(201)).body;
  await t.db.writeAs(OPERATOR, async () => await t.db.execute(`UPDATE claims SET rating = 'mostly true' WHERE id = ?`, [claim.id]));
  const changes = await t.as('editor').get(`/v1/changes?recordType=claim&recordId=${claim.id}`).expect(200);
  return changes.body.items.at(-1);
}

describe('history column list', () => {
  it('records every live column of every recorded table', async () => {
    const t = await makeTestApp({ demo: true });
    const listed = (await t.db.query('SELECT table_name, column_name FROM history_columns')) as Row[];
    for (const table of new Set(listed.map((r) => r.table_name))) {
      const live = (await liveColumns(t, table as string)).sort();
      const recorded = listed
        .filter((r) => r.table_name === table)
        .map((r) => r.column_name)
        .sort();
      assert.deepEqual(live, recorded, `${table}: a column added without a new history column list escapes the history`);
    }
    const v = (await t.as('editor').get('/v1/changes/verify').expect(200)).body;
    assert.deepEqual(v.problems, []);
    assert.equal(v.intact, true);
  });

  it('records a column that a later migration adds with the next column list', async () => {
    const t = await makeTestApp();
    await addRatingAndRecordIt(t.db.kysely);
    const last = await claimWithRating(t);
    assert.equal(last.action, 'update');
    assert.equal(last.before.rating, null);
    assert.equal(last.after.rating, 'mostly true');
    const v = (await t.as('editor').get('/v1/changes/verify').expect(200)).body;
    assert.deepEqual(v.problems, []);
  });

  it('names a column added without a new list, which the history would miss', async () => {
    const t = await makeTestApp();
    await sql`ALTER TABLE claims ADD COLUMN rating TEXT`.execute(t.db.kysely);
    const last = await claimWithRating(t);
    assert.equal('rating' in last.after, false);
    const v = (await t.as('editor').get('/v1/changes/verify').expect(200)).body;
    assert.equal(v.intact, false);
    assert.ok(
      v.problems.some((p: { kind: string; reason: string }) => p.kind === 'columns' && /claims\.rating/.test(p.reason)),
      JSON.stringify(v.problems),
    );
  });
});

describe('upgrading a database with history to the transparency log', () => {
  it('turns confidential values of past changes into commitments and verifies', async () => {
    const { promises: fs } = await import('node:fs');
    const path = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const { Migrator, FileMigrationProvider } = await import('kysely');
    const { openDatabase } = await import('../src/db/database.js');
    const { createApp } = await import('../src/app.js');
    const { schemaRegistry } = await import('./helpers/test-app.js');
    const db = openDatabase(':memory:');
    const migrationFolder = fileURLToPath(new URL('../migrations/', import.meta.url));
    const migrator = new Migrator({ db: db.kysely, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });
    assert.equal((await migrator.migrateTo('2026-11-27T1000-access-and-history')).error, undefined);
    const now = new Date().toISOString();
    await db.execute(
      `INSERT INTO actors (kind, identity_status, description, confidential_notes, created_at, updated_at) VALUES ('person','anonymous','an official','met at the embassy',?,?)`,
      [now, now],
    );
    await db.execute(`UPDATE actors SET confidential_notes = 'met twice' WHERE id = 1`);
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const history = JSON.stringify(await db.query('SELECT before, after FROM changes'));
    assert.ok(!history.includes('embassy') && !history.includes('met twice'), history);
    const { services } = createApp({ db, registry: schemaRegistry() });
    const v = await services.changes.verify();
    assert.deepEqual(v.problems, []);
    assert.equal(v.treeSize, 2);
  });
});
