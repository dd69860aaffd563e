// whosaid migrate-to-postgres: a newsroom's SQLite database moved into PostgreSQL as it is stored, its
// history verifying there with the same root, a checkpoint saved on SQLite verifying against the
// PostgreSQL log as it grows; and the moves it refuses, leaving PostgreSQL as it was.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { OPERATOR } from '../src/access/field-permissions.js';
import type { Db } from '../src/db/db.js';
import { registerFunctions } from '../src/db/functions.js';
import { openMigrated } from '../src/db/open.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { openCheckpoint } from '../src/log/checkpoint.js';
import { verifyConsistency } from '../src/log/merkle.js';
import { COPIED_TABLES } from '../src/transfer/copy-database.js';
import { deskOver, ensureBuilt, type Newsroom, sqliteNewsroom, whosaid } from './helpers/newsroom.js';
import { closeAfterTest, emptyPostgresDatabase, testDialect } from './helpers/test-db.js';

/** Every row of every moved table, in key order, blobs as hex. */
async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { table, orderBy } of COPIED_TABLES) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM "${table}" ORDER BY ${orderBy.map((c) => `"${c}"`).join(', ')}`);
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])));
  }
  return out;
}

describe('whosaid migrate-to-postgres', function () {
  this.timeout(180_000);
  let dir: string;
  let room: Newsroom;

  before(function () {
    if (testDialect !== 'postgres') this.skip(); // needs a PostgreSQL server: npm run test:pg
    ensureBuilt();
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-move-'));
    room = await sqliteNewsroom(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const move = (url: string) => whosaid(['--db', room.file, 'migrate-to-postgres', '--to', url], room.env);

  describe('into an empty database', () => {
    it('copies every row as stored and verifies the history on PostgreSQL with the root of the SQLite log', async () => {
      const sqlite = await openMigrated(room.file);
      const before = await dump(sqlite);
      const sqliteVerify = await deskOver(sqlite, room).services.changes.verify();
      await sqlite.close();
      assert.equal(sqliteVerify.intact, true);
      assert.ok(before.history_openings.length > 0 && before.api_keys.length === 2, 'the newsroom has commitments and keys to move');

      const url = await emptyPostgresDatabase();
      const moved = move(url);
      assert.equal(moved.status, 0, moved.stderr);
      assert.match(moved.stderr, /^move: +\d+%/m, 'progress on stderr');
      assert.match(
        moved.stdout,
        new RegExp(`history verified on PostgreSQL: ${sqliteVerify.checked} changes, tree of ${sqliteVerify.treeSize}`),
      );
      assert.ok(moved.stdout.includes(`WHOSAID_LOG_KEY=${room.env.WHOSAID_LOG_KEY}`), 'says which key file the service must keep');
      assert.ok(moved.stdout.includes(room.signer.verifierKey), 'and the verifier key it signs with');

      const pg = closeAfterTest(new PostgresDb(url, { size: 4 }));
      assert.deepEqual(await dump(pg), before);
      const pgVerify = await deskOver(pg, room).services.changes.verify();
      assert.equal(pgVerify.intact, true, JSON.stringify(pgVerify.problems));
      for (const k of ['checked', 'lastHash', 'treeSize', 'rootHash'] as const) assert.equal(pgVerify[k], sqliteVerify[k], k);
    });

    it('lets a checkpoint saved on SQLite verify against the PostgreSQL log, which goes on from it with fresh ids', async () => {
      const sqlite = await openMigrated(room.file);
      const saved = (await deskOver(sqlite, room).http.get('/v1/log/checkpoint').expect(200)).text;
      await sqlite.close();
      const url = await emptyPostgresDatabase();
      assert.equal(move(url).status, 0);

      const pg = closeAfterTest(new PostgresDb(url, { size: 4 }));
      const { services } = deskOver(pg, room);
      const pinned = openCheckpoint(saved, room.signer.verifierKey);
      const now = await services.changes.verify(pinned);
      assert.deepEqual(now.checkpoint, { size: pinned.size, rootHash: pinned.root.toString('hex'), time: pinned.time, consistent: true });

      // A write after the move: a new id past the copied ones, one more change, and the log still extends the checkpoint.
      const maxId = (await pg.queryFirst<{ n: number }>('SELECT max(id) AS n FROM actors'))!.n;
      const added = await pg.writeAs(OPERATOR, () =>
        pg.insertRow('actors', {
          kind: 'person',
          identity_status: 'named',
          name: 'After the move',
          description: null,
          affiliation: null,
          anonymity_reason: null,
          acts_for_id: null,
          attestation: null,
          confidential_notes: null,
          created_at: '2026-11-29T12:00:00.000Z',
          updated_at: '2026-11-29T12:00:00.000Z',
        }),
      );
      assert.ok(added.id > maxId, `a new actor gets a fresh id (${added.id} > ${maxId})`);
      const proof = await services.log.consistency(pinned.size);
      assert.equal(proof.to, pinned.size + 1);
      const hex = (h: string) => Buffer.from(h, 'hex');
      assert.equal(verifyConsistency(pinned.size, proof.to, proof.proof.map(hex), pinned.root, hex(proof.toRoot)), true);
      const after = await services.changes.verify(pinned);
      assert.equal(after.intact, true, JSON.stringify(after.problems));
      assert.equal(after.treeSize, pinned.size + 1);
    });
  });

  describe('refused', () => {
    const changes = async (url: string) => {
      const pg = closeAfterTest(new PostgresDb(url, { size: 1 }));
      return (await pg.queryFirst<{ n: number }>('SELECT count(*) AS n FROM changes'))!.n;
    };

    it('into a database that is not empty, leaving it as it was', async () => {
      const url = await emptyPostgresDatabase();
      assert.equal(move(url).status, 0);
      const before = await changes(url);
      const again = move(url);
      assert.equal(again.status, 1);
      assert.equal(again.stderr.trimEnd().split('\n').length, 1, again.stderr);
      assert.match(again.stderr, /^whosaid: the PostgreSQL database is not empty \(api_keys has rows\)/);
      assert.equal(await changes(url), before);
    });

    it('when the history does not verify on PostgreSQL: nothing is kept', async () => {
      // A change record altered behind the triggers' back: the chain no longer holds.
      const raw = new BetterSqlite3(room.file);
      raw
        .prepare(
          `UPDATE changes SET "after" = replace("after", 'Reuters', 'Reuterz') WHERE seq = (SELECT min(seq) FROM changes WHERE record_type = 'actor')`,
        )
        .run();
      raw.close();
      const url = await emptyPostgresDatabase();
      const moved = move(url);
      assert.equal(moved.status, 1);
      assert.match(moved.stderr, /^whosaid: the history does not verify on PostgreSQL \(chain: change \d+ does not match its hash/m);
      assert.match(moved.stderr, /was left as it was/);
      assert.equal(await changes(url), 0);
    });

    it('from a database holding a NUL character in a text, naming the row and column, never the value', async () => {
      // Stored on SQLite before the API refused U+0000, which PostgreSQL's text cannot hold.
      const raw = new BetterSqlite3(room.file);
      registerFunctions(raw, () => ({ writer: OPERATOR, history: true }));
      const id = raw.prepare(`SELECT min(id) FROM actors WHERE identity_status = 'anonymous'`).pluck().get();
      raw.prepare(`UPDATE actors SET description = 'Lt. Col. ' || char(0) || 'Ivanov' WHERE id = ?`).run(id);
      raw.close();
      const url = await emptyPostgresDatabase();
      const moved = move(url);
      assert.equal(moved.status, 1);
      assert.match(moved.stderr, new RegExp(`^whosaid: actors row ${id}: description holds a NUL character .*was left as it was`, 'm'));
      assert.doesNotMatch(moved.stderr, /Ivanov/);
      assert.equal(await changes(url), 0);
    });

    it('from a database with a table it does not know how to move', async () => {
      const raw = new BetterSqlite3(room.file);
      raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
      raw.close();
      const moved = move(await emptyPostgresDatabase());
      assert.equal(moved.status, 1);
      assert.match(moved.stderr, /^whosaid: the SQLite database has tables this version cannot move \(notes\)/);
    });

    it('with a URL that is not postgres://, or a database that cannot be reached', () => {
      const bad = move('mysql://localhost/news');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^whosaid: --to must be a postgres:\/\/ URL/);
      const away = move('postgres://nobody@127.0.0.1:1/none');
      assert.equal(away.status, 1);
      assert.match(away.stderr, /^whosaid: cannot open postgres:\/\/nobody@127\.0\.0\.1:1\/none: /);
    });
  });
});
