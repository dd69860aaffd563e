import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDb } from '../src/db/sqlite-db.js';

describe('SqliteDb', () => {
  describe('rows read as objects', () => {
    const open = () => new SqliteDb(new BetterSqlite3(':memory:'));

    it('have the same keys, values and order as better-sqlite3 gives, whatever the query', async () => {
      const db = open();
      db.sqlite.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, "weird name" TEXT, n REAL, b BLOB)`);
      db.sqlite.exec(`INSERT INTO t VALUES (1, 'a', 1.5, x'01'), (2, NULL, NULL, NULL)`);
      for (const sql of [
        'SELECT * FROM t ORDER BY id',
        'SELECT id, id AS id, "weird name" AS x, n AS x FROM t ORDER BY id',
        'SELECT 1 + 1 AS two, \'it"s\' AS "quote""d", \'\' AS "" FROM t ORDER BY id',
        'SELECT * FROM t WHERE id > 5',
      ]) {
        const expected = db.sqlite.prepare(sql).all();
        const rows = await db.query<Record<string, unknown>>(sql);
        assert.deepEqual(rows, expected, sql);
        for (const [i, row] of rows.entries()) {
          assert.deepEqual(Object.keys(row), Object.keys(expected[i] as object), sql);
          assert.equal(Object.getPrototypeOf(row), Object.prototype, sql);
        }
        assert.deepEqual(await db.queryFirst(sql), db.sqlite.prepare(sql).get(), sql);
      }
    });

    it('keep a column named __proto__ as a property, never as the prototype', async () => {
      const db = open();
      for (const value of ['p', null]) {
        const row = (await db.queryFirst<Record<string, unknown>>('SELECT ? AS "__proto__", 1 AS one', [value]))!;
        assert.equal(Object.getPrototypeOf(row), Object.prototype);
        assert.deepEqual(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, value);
        assert.equal(row.one, 1);
      }
    });

    it('refuses SQL that returns no rows, as before', async () => {
      const db = open();
      db.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await assert.rejects(db.query('INSERT INTO t (id) VALUES (1)'), /does not return data/);
      assert.equal(await db.execute('INSERT INTO t (id) VALUES (2)'), 1);
      assert.deepEqual(await db.query('SELECT id FROM t'), [{ id: 2 }]);
    });
  });
});
