import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { numberPlaceholders } from '../src/db/postgres/placeholders.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { closeAfterTest, emptyPostgresDatabase, testDialect } from './helpers/test-db.js';

describe('numbering ? placeholders for PostgreSQL', () => {
  it('numbers each placeholder in order', () => {
    assert.equal(numberPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)'), 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });
  it('leaves a ? inside strings, quoted identifiers, dollar quotes and comments alone', () => {
    assert.equal(
      numberPlaceholders(`SELECT '?', 'it''s ?', "col?", $$ ? $$, $x$ ? $x$, E'\\' ?', ? -- ?\n, ? /* ? /* ? */ ? */ , ?`),
      `SELECT '?', 'it''s ?', "col?", $$ ? $$, $x$ ? $x$, E'\\' ?', $1 -- ?\n, $2 /* ? /* ? */ ? */ , $3`,
    );
  });
  it('reads a backslash in a plain string as a character, not an escape', () => {
    assert.equal(numberPlaceholders(`SELECT 'a\\', ?`), `SELECT 'a\\', $1`);
  });
  it('gives SQL without a placeholder back unchanged', () => {
    assert.equal(numberPlaceholders('SELECT $1::int'), 'SELECT $1::int');
  });
});

// Needs a PostgreSQL server: npm run test:pg starts one and sets WHOSAID_TEST_DATABASE_URL.
describe('PostgresDb (pending without PostgreSQL: run npm run test:pg)', () => {
  let db: PostgresDb;

  beforeEach(async function () {
    if (testDialect !== 'postgres') return this.skip();
    db = closeAfterTest(new PostgresDb(await emptyPostgresDatabase(), { size: 4 }));
    await db.execute(
      'CREATE TABLE claims (id bigserial PRIMARY KEY, text text NOT NULL, verdict text, created_at text NOT NULL, updated_at text NOT NULL)',
    );
  });

  const addClaim = (text: string) => db.execute(`INSERT INTO claims (text, created_at, updated_at) VALUES (?, 'now', 'now')`, [text]);
  const texts = async () => (await db.query<{ text: string }>('SELECT text FROM claims ORDER BY id')).map((r) => r.text);
  const backend = async () => (await db.queryFirst<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid;

  describe('transaction', () => {
    it('changes nothing when its callback throws', async () => {
      await addClaim('before');
      await assert.rejects(
        db.transaction(async () => {
          await addClaim('inside');
          await db.execute(`UPDATE claims SET verdict = 'false'`);
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.deepEqual(await texts(), ['before']);
      assert.equal((await db.queryFirst<{ n: number }>('SELECT count(*) AS n FROM claims WHERE verdict IS NOT NULL'))!.n, 0);
    });

    it('commits what its callback wrote, and gives back its result', async () => {
      const result = await db.transaction(async () => {
        await addClaim('one');
        await addClaim('two');
        return 'done';
      });
      assert.equal(result, 'done');
      assert.deepEqual(await texts(), ['one', 'two']);
    });

    it('rolls a nested transaction that throws back to its savepoint, and the outer one still commits', async () => {
      await db.transaction(async () => {
        await addClaim('outer');
        await assert.rejects(
          db.transaction(async () => {
            await addClaim('inner');
            throw new Error('inner refused');
          }),
          /inner refused/,
        );
        await db.transaction(() => addClaim('second inner'));
        await addClaim('outer again');
      });
      assert.deepEqual(await texts(), ['outer', 'second inner', 'outer again']);
    });

    it('takes back a committed savepoint when the outer transaction throws', async () => {
      await assert.rejects(
        db.transaction(async () => {
          await db.transaction(() => addClaim('inner'));
          throw new Error('outer refused');
        }),
      );
      assert.deepEqual(await texts(), []);
    });

    it('runs every call inside it, however deep, on one connection that no other caller sees', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inside!: number;
      const writing = db.transaction(async () => {
        inside = await backend();
        const deeper = async () => db.transaction(async () => backend());
        assert.equal(await deeper(), inside);
        await addClaim('uncommitted');
        await gate;
      });
      // Let the transaction get as far as its gate.
      while (
        (await db.query('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = $$idle in transaction$$')).length ===
        0
      )
        await new Promise((r) => setTimeout(r, 5));
      assert.notEqual(await backend(), inside);
      assert.deepEqual(await texts(), [], 'a write not yet committed is seen outside its transaction');
      release();
      await writing;
      assert.deepEqual(await texts(), ['uncommitted']);
    });

    it('takes turns with a concurrent transaction, which runs on its own connection once the first commits', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const seen: Record<string, { pid: number; texts: string[] }> = {};
      const first = db.transaction(async () => {
        await addClaim('a');
        seen.a = { pid: await backend(), texts: await texts() };
        await gate;
      });
      while (!seen.a) await new Promise((r) => setTimeout(r, 5));
      let secondStarted = false;
      const second = db.writeAs({ role: 'editor', keyId: 9 }, async () => {
        secondStarted = true;
        await addClaim('b');
        seen.b = { pid: await backend(), texts: await texts() };
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(secondStarted, false, 'a second write transaction ran while the first was open');
      release();
      await Promise.all([first, second]);
      assert.notEqual(seen.a.pid, seen.b.pid);
      assert.deepEqual(seen.a.texts, ['a']);
      assert.deepEqual(seen.b.texts, ['a', 'b']);
    });

    it('joins a query run through Kysely itself (execute) to the transaction', async () => {
      await assert.rejects(
        db.transaction(async () => {
          await db.kysely.insertInto('claims').values({ text: 'through kysely', created_at: 'now', updated_at: 'now' }).execute();
          assert.deepEqual(await texts(), ['through kysely']);
          throw new Error('refused');
        }),
      );
      assert.deepEqual(await texts(), []);
    });

    it('rejects when a statement inside failed, even if the callback caught the error', async () => {
      await assert.rejects(
        db.transaction(async () => {
          await addClaim('kept?');
          await db.execute('INSERT INTO claims (text) VALUES (NULL)').catch(() => {});
        }),
        /rolled back/,
      );
      assert.deepEqual(await texts(), []);
    });

    it('gives its connection back to the pool whatever happens', async () => {
      for (let i = 0; i < 10; i++) await assert.rejects(db.transaction(() => db.execute('SELECT * FROM no_such_table')));
      await db.transaction(() => addClaim('after ten failures'));
      assert.equal(db.pool.totalCount - db.pool.idleCount, 0);
    });
  });

  describe('writeAs and withoutHistory', () => {
    const settings = () =>
      db.queryFirst<{ key: string | null; history: string | null }>(
        `SELECT current_setting('whosaid.key_id', true) AS key, current_setting('whosaid.history', true) AS history`,
      );

    it('sets the writing key for the transaction, and the writer the services read', async () => {
      const journalist = { role: 'journalist' as const, keyId: 42 };
      await db.writeAs(journalist, async () => {
        assert.deepEqual(db.writer, journalist);
        assert.equal((await settings())!.key, '42');
        await db.writeAs({ role: 'editor', keyId: 7 }, async () => assert.equal((await settings())!.key, '7'));
        assert.equal((await settings())!.key, '42', 'a nested writer leaks into the outer transaction');
      });
      assert.equal(db.writer.keyId, null);
      // Transaction-local: the connection goes back to the pool with no key on it.
      for (let i = 0; i < 4; i++) assert.ok(['', null].includes((await settings())!.key));
    });

    it('turns history off for every statement inside, in or out of a transaction', async () => {
      await db.withoutHistory(async () => {
        assert.equal((await settings())!.history, 'off');
        await db.transaction(async () => assert.equal((await settings())!.history, 'off'));
        await db.writeAs({ role: 'admin', keyId: 3 }, async () => assert.deepEqual(await settings(), { key: '3', history: 'off' }));
      });
      await db.transaction(async () => {
        await db.withoutHistory(async () => assert.equal((await settings())!.history, 'off'));
        assert.ok(['', 'on', null].includes((await settings())!.history));
      });
    });
  });

  describe('plain SQL', () => {
    it('numbers ? placeholders and leaves a ? inside a string literal alone', async () => {
      const row = await db.queryFirst<{ q: string; a: number; b: string }>(`SELECT 'why?' AS q, ?::int AS a, ?::text AS b`, [5, 'x?']);
      assert.deepEqual(row, { q: 'why?', a: 5, b: 'x?' });
    });

    it('gives 64-bit integers and numerics back as numbers, and bytea as a Buffer', async () => {
      await addClaim('a');
      await addClaim('b');
      const row = await db.queryFirst<Record<string, unknown>>(
        `SELECT count(*) AS n, max(id) AS id, sum(id) AS total, avg(id) AS mean, 9007199254740991::int8 AS big, array_agg(id) AS ids, '\\x0102'::bytea AS blob FROM claims`,
      );
      assert.deepEqual(row, { n: 2, id: 2, total: 3, mean: 1.5, big: 9007199254740991, ids: [1, 2], blob: Buffer.from([1, 2]) });
    });

    it('counts the rows a write changed', async () => {
      await addClaim('a');
      await addClaim('b');
      assert.equal(await db.execute(`UPDATE claims SET verdict = ? WHERE text <> ?`, ['true', 'zzz']), 2);
      const updated = await db.run(
        db.kysely.updateTable('claims').set({ verdict: 'false' }).where('text', '=', 'a').returning(['id', 'verdict']),
      );
      assert.deepEqual(updated, { changes: 1, row: { id: 1, verdict: 'false' } });
    });
  });

  describe('rows by id', () => {
    it('inserts a whole row and gives it back with its new id', async () => {
      const row = { text: 'Inserted', verdict: null, created_at: 't0', updated_at: 't0' };
      const first = await db.insertRow('claims', row);
      const second = await db.insertRow('claims', { ...row, text: 'Second' });
      assert.deepEqual(first, { id: 1, ...row });
      assert.equal(second.id, 2);
      assert.deepEqual(await db.rowById('claims', 2), { id: 2, ...row, text: 'Second' });
      assert.equal(await db.rowById('claims', 3), undefined);
      assert.equal(await db.hasId('claims', 1), true);
      assert.equal(await db.hasId('claims', 3), false);
    });
  });

  describe('stream', () => {
    beforeEach(() =>
      db.execute(`INSERT INTO claims (text, created_at, updated_at) SELECT 'c' || i, 'now', 'now' FROM generate_series(1, 1234) i`),
    );

    it('reads every row of a long scan, in order, in batches', async () => {
      const ids: number[] = [];
      for await (const row of db.stream<{ id: number }>('SELECT id FROM claims WHERE id > ? ORDER BY id', [0])) ids.push(row.id);
      assert.deepEqual(
        ids,
        Array.from({ length: 1234 }, (_, i) => i + 1),
      );
    });

    it('gives its connection back when the reader stops early', async () => {
      for (let i = 0; i < 6; i++) for await (const _ of db.stream('SELECT id FROM claims')) break;
      assert.equal(db.pool.totalCount - db.pool.idleCount, 0);
    });

    it('sees the uncommitted writes of the transaction it is read in', async () => {
      await db.transaction(async () => {
        await addClaim('fresh');
        let found = false;
        for await (const row of db.stream<{ text: string }>(`SELECT text FROM claims WHERE text = ?`, ['fresh']))
          found ||= row.text === 'fresh';
        assert.ok(found);
      });
    });
  });

  describe('close', () => {
    it('ends the pool', async () => {
      await addClaim('a');
      await db.close();
      assert.equal(db.pool.ended, true);
      await assert.rejects(db.query('SELECT 1'));
      await db.close();
    });
  });

  describe('the pool', () => {
    it('grows up to its size and no further', async () => {
      const rows = await Promise.all(
        Array.from({ length: 8 }, () => db.queryFirst<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')),
      );
      assert.equal(new Set(rows.map((r) => r!.pid)).size, 4);
    });
  });
});
