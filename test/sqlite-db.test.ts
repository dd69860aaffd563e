import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDb } from '../src/db/sqlite-db.js';
import { OPERATOR } from '../src/access/field-permissions.js';
import { openMigrated } from '../src/db/open.js';

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

  describe('transactions and the async context', () => {
    let db: SqliteDb;
    beforeEach(async () => {
      db = await openMigrated(':memory:');
    });
    afterEach(() => db.close());

    const addClaim = (text: string) =>
      db.execute(`INSERT INTO claims (text, created_at, updated_at) VALUES (?, '2026-01-01', '2026-01-01')`, [text]);
    const texts = async () => (await db.query<{ text: string }>('SELECT text FROM claims ORDER BY id')).map((r) => r.text);
    const changes = async () => (await db.queryFirst<{ n: number }>('SELECT count(*) AS n FROM changes'))!.n;
    const editor = { role: 'editor' as const, keyId: 7 };

    describe('transaction', () => {
      it('changes nothing when its callback rejects, history included', async () => {
        await addClaim('before');
        const before = await changes();
        await assert.rejects(
          db.transaction(async () => {
            await addClaim('inside');
            throw new Error('refused');
          }),
          /refused/,
        );
        assert.deepEqual(await texts(), ['before']);
        assert.equal(await changes(), before);
      });

      it('makes a nested call a savepoint: its failure undoes only its own writes', async () => {
        await db.transaction(async () => {
          await addClaim('outer');
          await assert.rejects(
            db.transaction(async () => {
              await addClaim('inner');
              throw new Error('inner refused');
            }),
          );
          await addClaim('after');
        });
        assert.deepEqual(await texts(), ['outer', 'after']);
      });

      it('runs one transaction at a time, each whole', async () => {
        const order: string[] = [];
        const slow = (name: string) =>
          db.transaction(async () => {
            order.push(`${name} begins`);
            await addClaim(name);
            await new Promise((r) => setTimeout(r, 20));
            order.push(`${name} ends`);
          });
        await Promise.all([slow('a'), slow('b')]);
        assert.deepEqual(order, ['a begins', 'a ends', 'b begins', 'b ends']);
        assert.deepEqual(await texts(), ['a', 'b']);
      });

      it('makes a call from outside the open transaction wait for it to end, never joining it', async () => {
        let seen: string[] | undefined;
        // Someone else's read (another request), scheduled outside the transaction, due while it is open.
        const reading = new Promise((r) => setTimeout(r, 5)).then(async () => {
          seen = await texts();
        });
        await assert.rejects(
          db.transaction(async () => {
            await addClaim('uncommitted');
            await new Promise((r) => setTimeout(r, 30));
            assert.equal(seen, undefined, 'the outside read waits');
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        await reading;
        assert.deepEqual(seen, [], 'it never saw the rolled-back write');
      });
    });

    describe('writeAs', () => {
      it('is the writer inside, OPERATOR outside, and records its key in the history', async () => {
        assert.deepEqual(db.writer, OPERATOR);
        const inside = await db.writeAs(editor, async () => {
          await addClaim('by the editor');
          return db.writer;
        });
        assert.deepEqual(inside, editor);
        assert.deepEqual(db.writer, OPERATOR);
        const last = await db.queryFirst<{ key_id: number | null }>('SELECT key_id FROM changes ORDER BY seq DESC LIMIT 1');
        assert.equal(last?.key_id, 7);
      });
    });

    describe('withoutHistory', () => {
      it('writes leave no change records, and history is back on after', async () => {
        const before = await changes();
        await db.withoutHistory(() => addClaim('synthetic'));
        assert.equal(await changes(), before);
        await addClaim('recorded');
        assert.ok((await changes()) > before);
      });
    });

    describe('stream', () => {
      it('reads every row of a scan longer than a batch, in order, and can be left early', async () => {
        await db.withoutHistory(async () => {
          for (let i = 0; i < 700; i++) await addClaim(`claim ${i}`);
        });
        const all: string[] = [];
        for await (const r of db.stream<{ text: string }>('SELECT text FROM claims ORDER BY id')) all.push(r.text);
        assert.equal(all.length, 700);
        assert.equal(all[699], 'claim 699');
        for await (const r of db.stream<{ text: string }>('SELECT text FROM claims ORDER BY id')) if (r.text === 'claim 3') break;
        // Left early, the scan is closed: the connection writes again.
        await addClaim('after the scan');
        assert.equal((await texts()).length, 701);
      });
    });
  });
});
