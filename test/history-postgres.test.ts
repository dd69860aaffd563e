// The history on PostgreSQL (the PL/pgSQL triggers of the migrations' PostgreSQL bodies) against the
// history on SQLite (triggers calling src/db/functions.ts): the same writes give the same change records,
// and every hash, leaf, commitment and Merkle node PostgreSQL stores is the one the JavaScript computes.
// Needs a PostgreSQL: npm run test:pg (WHOSAID_TEST_DATABASE_URL); pending without one.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect, type Selectable, SqliteDialect, sql, type Transaction } from 'kysely';
import { OPERATOR } from '../src/access/field-permissions.js';
import { createPool } from '../src/db/postgres/pool.js';
import { chainHash, changeEntry, commitment, registerFunctions, type WriteContext } from '../src/db/functions.js';
import type { ChangesTable, HistoryOpeningsTable, MerkleNodesTable } from '../src/db/tables.js';
import { leafHash, MemoryTree, rootOf, subtreeFrom } from '../src/log/merkle.js';
import { closeAfterTest, emptyPostgresDatabase, testDialect } from './helpers/test-db.js';

// biome-ignore lint/suspicious/noExplicitAny: the script writes the same SQL to both dialects, untyped
type Any = any;
type Writer = (db: Transaction<Any>) => Promise<void>;

/** One database under test: SQLite in memory, or a fresh PostgreSQL database. */
interface Side {
  db: Kysely<Any>;
  /** One transaction written by this key (null: the operator), recorded in the history unless off. */
  write(keyId: number | null, fn: Writer, history?: boolean): Promise<void>;
}

const migrationFolder = fileURLToPath(new URL('../migrations/', import.meta.url));
const LOG = '2026-11-29T0727-transparency-log';
const HISTORY_V1 = '2026-11-27T1000-access-and-history';

async function migrate(db: Kysely<Any>, to?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });
  const { error } = to ? await migrator.migrateTo(to) : await migrator.migrateToLatest();
  if (error) throw error;
}

function sqliteSide(): Side {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.pragma('foreign_keys = ON');
  const ctx: WriteContext = { history: true, writer: OPERATOR };
  registerFunctions(sqlite, () => ctx);
  const db = new Kysely<Any>({ dialect: new SqliteDialect({ database: sqlite }) });
  closeAfterTest({ close: () => db.destroy() });
  return {
    db,
    async write(keyId, fn, history = true) {
      Object.assign(ctx, { writer: { ...OPERATOR, keyId }, history });
      try {
        await db.transaction().execute(fn);
      } finally {
        Object.assign(ctx, { writer: OPERATOR, history: true });
      }
    },
  };
}

async function postgresSide(url?: string): Promise<Side> {
  // The service's pool: int8 read as numbers, as SQLite gives them.
  const db = new Kysely<Any>({ dialect: new PostgresDialect({ pool: createPool(url ?? (await emptyPostgresDatabase()), { size: 4 }) }) });
  closeAfterTest({ close: () => db.destroy() });
  return {
    db,
    write: (keyId, fn, history = true) =>
      db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('whosaid.key_id', ${keyId === null ? '' : String(keyId)}, true),
                         set_config('whosaid.history', ${history ? '' : 'off'}, true)`.execute(trx);
        await fn(trx);
      }),
  };
}

/** Every kind of character JSON and SQL could trip on, non-BMP and line separators included (no NUL: PostgreSQL text cannot hold it). */
const HOSTILE = `'single' "double" \\ \\\\ \\u0041 / \b\f\n\r\t \u0001\u001f\u007f \u2028\u2029 é ñ 漢字 😀 𝄞 </script> --;`;
const AT = '2026-11-29T12:00:00.000Z';

const insert = async (db: Transaction<Any>, table: string, row: Record<string, unknown>) =>
  (await db.insertInto(table).values(row).returning('id').executeTakeFirstOrThrow()).id as number;
const stamps = { created_at: AT, updated_at: AT };

/** Rows of every recorded table, with committed columns, hostile text and REAL scores; updates; cascading deletes. */
async function writeEverything(side: Side): Promise<void> {
  await side.write(null, async (db) => {
    await insert(db, 'api_keys', { name: HOSTILE, role: 'admin', hash: 'sha256:aa', created_at: AT, created_by: null, revoked_at: null });
  });
  await side.write(1, async (db) => {
    const person = await insert(db, 'actors', { kind: 'person', identity_status: 'named', name: HOSTILE, ...stamps });
    const official = await insert(db, 'actors', {
      kind: 'person',
      identity_status: 'anonymous',
      description: 'a senior official',
      anonymity_reason: 'not authorised to speak',
      attestation: HOSTILE,
      confidential_notes: 'met at the ministry',
      ...stamps,
    });
    const outlet = await insert(db, 'actors', { kind: 'outlet', identity_status: 'named', name: 'Reuters', ...stamps });
    const document = await insert(db, 'documents', {
      outlet_id: outlet,
      title: 'Hall',
      body: HOSTILE,
      published_on: '2024-03-23',
      ...stamps,
    });
    const statement = await insert(db, 'statements', {
      speaker_id: official,
      text: HOSTILE,
      text_form: 'quote',
      kind: 'claim',
      said_on: '2024-03',
      said_from: '2024-03-01',
      said_to: '2024-03-31',
      circumstances: '["coerced"]',
      ...stamps,
    });
    const first = await insert(db, 'relays', {
      statement_id: statement,
      relayed_by_id: outlet,
      document_id: document,
      first_hand: 1,
      mode: 'verbatim',
      hedge: 'said',
      ...stamps,
    });
    await insert(db, 'relays', {
      statement_id: statement,
      via_relay_id: first,
      relayed_by_id: person,
      first_hand: 0,
      mode: 'paraphrase',
      hedge: 'according to',
      ...stamps,
    });
    const claim = await insert(db, 'claims', { text: 'The hall held 6,200 people', verdict: null, ...stamps });
    await db
      .insertInto('statement_claims')
      .values({ statement_id: statement, claim_id: claim, stance: 'supports', created_at: AT })
      .execute();
    const tag = {
      document_id: document,
      statement_id: statement,
      relay_id: first,
      exact: 'Hall',
      quote: 'Hall',
      created_at: AT,
      modified_at: AT,
      anchored_at: AT,
    };
    await insert(db, 'tags', { ...tag, start: 0, end: 4, status: 'anchored', score: 0.8333333333333334 });
    await insert(db, 'tags', { ...tag, start: null, end: null, status: 'orphaned', score: 1 });
  });
  await side.write(1, async (db) => {
    await db.updateTable('actors').set({ attestation: 'a second source', confidential_notes: null }).where('id', '=', 2).execute();
    await db
      .updateTable('tags')
      .set({ score: 0.1 + 0.2, prefix: HOSTILE })
      .where('id', '=', 1)
      .execute();
    await db.updateTable('api_keys').set({ revoked_at: AT }).where('id', '=', 1).execute();
  });
  await side.write(null, async (db) => {
    await db.deleteFrom('claims').where('id', '=', 1).execute();
    await db.deleteFrom('actors').where('id', '=', 1).execute();
  });
}

const changesOf = async (side: Side) =>
  (await sql<Selectable<ChangesTable>>`SELECT * FROM changes ORDER BY seq`.execute(side.db)).rows.map((c) => ({
    ...c,
    leaf_hash: Buffer.from(c.leaf_hash ?? []),
  }));
const openingsOf = async (side: Side) =>
  (await sql<Selectable<HistoryOpeningsTable>>`SELECT * FROM history_openings ORDER BY seq`.execute(side.db)).rows;

/**
 * Checks the history against the JavaScript of src/db/functions.ts and src/log/merkle.ts, as verify does
 * (chain, leaves, commitments, stored Merkle nodes); gives the changes with each commitment replaced by
 * the value it opens to (the records parsed), for comparing histories whose salts differ.
 */
async function checkHistory(side: Side) {
  const changes = await changesOf(side);
  const openings = await openingsOf(side);
  const tree = new MemoryTree();
  let prev = '';
  const opened = new Set<string>();
  const readable = changes.map((c, i) => {
    const fields = [c.seq, c.at, c.key_id, c.action, c.record_type, c.record_id, c.before, c.after] as const;
    assert.equal(c.seq, i + 1, 'seq counts from 1 without gaps');
    assert.match(c.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(new Date(c.at).toISOString(), c.at);
    assert.equal(c.prev_hash, prev, `change ${c.seq} points at the hash before it`);
    assert.equal(c.hash, chainHash(prev, ...fields), `change ${c.seq}: chain hash`);
    assert.deepEqual(c.leaf_hash, leafHash(changeEntry(...fields)), `change ${c.seq}: leaf hash`);
    tree.append(c.leaf_hash);
    prev = c.hash;
    const open = (json: string | null, side: 'before' | 'after') =>
      json?.replace(/\{"commitment":"([0-9a-f]{64})"\}/g, (_, hex: string) => {
        const found = openings.filter((o) => o.seq === c.seq && o.side === side && commitment(o.salt, o.value) === hex);
        assert.equal(found.length, 1, `change ${c.seq}: the ${side} commitment ${hex} opens`);
        opened.add(`${c.seq}/${side}/${found[0].column_name}`);
        return `{"opened":${JSON.stringify(found[0].value)}}`;
      }) ?? null;
    const parsed = (json: string | null) => (json === null ? null : JSON.parse(json));
    return [c.key_id, c.action, c.record_type, c.record_id, parsed(open(c.before, 'before')), parsed(open(c.after, 'after'))];
  });
  assert.equal(opened.size, openings.length, 'every opening is a commitment of its change');

  const nodes = (await sql<Selectable<MerkleNodesTable>>`SELECT * FROM merkle_nodes`.execute(side.db)).rows;
  const stored = new Map(nodes.map((n) => [`${n.level}/${n.idx}`, Buffer.from(n.hash)]));
  const expected = tree.levels.flatMap((level, l) => level.map((hash, i) => [`${l}/${i}`, hash] as const));
  assert.deepEqual(new Map(expected), stored, 'the stored Merkle nodes are the complete subtrees of the leaves');
  const root = subtreeFrom((level, idx) => stored.get(`${level}/${idx}`), 0, tree.size);
  assert.deepEqual(root, rootOf(tree));
  return { changes, readable, openings };
}

/**
 * Changes in a comparable order: the two databases record what a cascading delete removes in different
 * orders (SQLite's foreign key actions run before the parent's AFTER trigger, PostgreSQL's after it).
 * Records are compared as the values they hold: a REAL's digits may differ (see 'the values').
 */
const sorted = (changes: unknown[][]) => changes.map((c) => JSON.stringify(c)).sort();

describe(testDialect === 'postgres' ? 'history on PostgreSQL' : 'history on PostgreSQL (pending: needs npm run test:pg)', () => {
  before(function () {
    if (testDialect !== 'postgres') this.skip();
  });

  describe('the triggers', () => {
    it('record every table as SQLite does, with chain, leaf, commitment and Merkle hashes the JavaScript computes', async () => {
      const lite = sqliteSide();
      const pgs = await postgresSide();
      await migrate(lite.db);
      await migrate(pgs.db);
      await writeEverything(lite);
      await writeEverything(pgs);
      const mine = await checkHistory(pgs);
      const theirs = await checkHistory(lite);
      assert.deepEqual(sorted(mine.readable), sorted(theirs.readable));
      const types = new Set(mine.changes.map((c) => c.record_type));
      assert.deepEqual([...types].sort(), ['actor', 'claim', 'claim-link', 'document', 'key', 'relay', 'statement', 'tag']);
      assert.ok(mine.changes.some((c) => c.key_id === 1));
      const person = JSON.parse(mine.changes.find((c) => c.record_type === 'actor' && c.action === 'insert')?.after ?? '{}');
      assert.equal(person.name, HOSTILE);
    });

    it('write the history as one chain when two connections write at once', async () => {
      const url = await emptyPostgresDatabase();
      const one = await postgresSide(url);
      await migrate(one.db);
      const two = await postgresSide(url);
      const work = (side: Side, n: number) =>
        side.write(n, async (db) => {
          const id = await insert(db, 'claims', { text: `claim ${n}`, verdict: null, ...stamps });
          await db.updateTable('claims').set({ verdict: 'true' }).where('id', '=', id).execute();
        });
      await Promise.all(Array.from({ length: 40 }, (_, n) => work(n % 2 ? one : two, n)));
      const { changes } = await checkHistory(one);
      assert.equal(changes.length, 80);
    });

    it('write nothing while the transaction says history is off', async () => {
      const side = await postgresSide();
      await migrate(side.db);
      await side.write(null, async (db) => void (await insert(db, 'claims', { text: 'bulk', verdict: null, ...stamps })), false);
      assert.equal((await changesOf(side)).length, 0);
      await side.write(null, async (db) => void (await insert(db, 'claims', { text: 'recorded', verdict: null, ...stamps })));
      assert.deepEqual(
        (await changesOf(side)).map((c) => [c.action, c.record_id]),
        [['insert', '2']],
      );
    });
  });

  describe('the schema', () => {
    it("has SQLite's tables with their columns in order, its indexes and triggers, and the same history column list", async () => {
      const lite = sqliteSide();
      const pgs = await postgresSide();
      await migrate(lite.db);
      await migrate(pgs.db);
      const rows = async <R>(side: Side, query: ReturnType<typeof sql<R>>) => (await query.execute(side.db)).rows;
      // FTS5's tables are search's, which PostgreSQL keeps in its own side table.
      const tables = (
        await rows(
          lite,
          sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                                               AND name NOT LIKE 'kysely\\_%' ESCAPE '\\' AND name NOT LIKE 'statements\\_fts%' ESCAPE '\\' ORDER BY name`,
        )
      ).map((r) => r.name);
      assert.ok(tables.includes('actors') && tables.includes('history_columns'));
      for (const table of tables) {
        const theirs = (await rows(lite, sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`)).map((r) => r.name);
        const mine = (
          await rows(
            pgs,
            sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
                                  WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`,
          )
        ).map((r) => r.name);
        assert.deepEqual(mine, theirs, table);
      }
      const named = async (type: string) =>
        (
          await rows(
            lite,
            sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = ${type} AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                                                AND tbl_name NOT LIKE 'statements\\_fts%' ESCAPE '\\' AND name NOT LIKE 'statements\\_fts%' ESCAPE '\\'`,
          )
        ).map((r) => r.name);
      const indexes = new Set(
        (await rows(pgs, sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`)).map(
          (r) => r.name,
        ),
      );
      assert.deepEqual(
        (await named('index')).filter((i) => !indexes.has(i)),
        [],
      );
      const triggers = new Set(
        (await rows(pgs, sql<{ name: string }>`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal`)).map((r) => r.name),
      );
      assert.deepEqual(
        (await named('trigger')).filter((t) => !triggers.has(t)),
        [],
      );
      const columns = sql<Record<string, unknown>>`SELECT * FROM history_columns ORDER BY record_type, position`;
      assert.deepEqual(await rows(pgs, columns), await rows(lite, columns));
    });
  });

  describe('the values', () => {
    it('writes text as JSON.stringify and SQLite do', async () => {
      const pgs = await postgresSide();
      await migrate(pgs.db);
      const lite = new BetterSqlite3(':memory:');
      const all = Array.from({ length: 0x80 }, (_, i) => String.fromCodePoint(i))
        .join('')
        .slice(1);
      for (const s of [HOSTILE, all, '\u2028\u2029', '😀𝄞', '"\\"', '']) {
        const { rows } = await sql<{ json: string }>`SELECT ws_json(${s}::text) AS json`.execute(pgs.db);
        assert.equal(rows[0].json, JSON.stringify(s));
        assert.equal(rows[0].json, (lite.prepare('SELECT json_quote(?) AS j').get(s) as { j: string }).j);
      }
      lite.close();
    });

    it('writes a REAL as the same number SQLite writes, and in the same text for a plain one (0.0, 1.0, 0.75)', async () => {
      const pgs = await postgresSide();
      await migrate(pgs.db);
      const lite = new BetterSqlite3(':memory:');
      const bits = new DataView(new ArrayBuffer(8));
      const anyDouble = () => {
        for (let b = 0; b < 8; b++) bits.setUint8(b, Math.floor(Math.random() * 256));
        const x = bits.getFloat64(0);
        return Number.isFinite(x) ? x : 0.5;
      };
      const plain = [0, -0, 1, 0.5, 0.75, 0.25, 0.1, 0.3, 0.9, 0.05, 123, -1.5, 1e-4, 1e-5, 1.5e-5, 1e16, 1e17, 1e300];
      const values = [...plain, 1 / 3, 0.1 + 0.2, 0.8333333333333334, 5e-324, 2.5e-310, 1.7976931348623157e308];
      values.push(...Array.from({ length: 2000 }, Math.random), ...Array.from({ length: 2000 }, anyDouble));
      const { rows } = await sql<{
        json: string;
      }>`SELECT ws_json(x) AS json FROM unnest(${values.map(String)}::float8[]) WITH ORDINALITY AS v(x, i) ORDER BY i`.execute(pgs.db);
      const sqlite = lite.prepare('SELECT json_quote(CAST(? AS REAL)) AS j');
      const theirs = values.map((v) => (sqlite.get(v) as { j: string }).j);
      assert.deepEqual(
        values.filter((_, i) => JSON.parse(rows[i].json) !== JSON.parse(theirs[i])),
        [],
      );
      assert.deepEqual(
        plain.map((_, i) => rows[i].json),
        plain.map((_, i) => theirs[i]),
      );
      lite.close();
    });
  });

  describe('ids', () => {
    it('a row written with its own id moves the sequence past it, as SQLite does', async () => {
      const side = await postgresSide();
      await migrate(side.db);
      const ids: number[] = [];
      await side.write(null, async (db) => {
        await insert(db, 'claims', { id: 50, text: 'copied', verdict: null, ...stamps });
        ids.push(await insert(db, 'claims', { text: 'new', verdict: null, ...stamps }));
        await insert(db, 'claims', { id: 10, text: 'copied earlier', verdict: null, ...stamps });
        ids.push(await insert(db, 'claims', { text: 'newer', verdict: null, ...stamps }));
      });
      assert.deepEqual(ids, [51, 52]);
    });
  });

  describe('the transparency log migration', () => {
    it('rewrites a history written before it as SQLite rewrites it', async () => {
      const lite = sqliteSide();
      const pgs = await postgresSide();
      await migrate(lite.db, HISTORY_V1);
      await migrate(pgs.db, HISTORY_V1);
      await writeEverything(lite);
      await writeEverything(pgs);
      await migrate(lite.db, LOG);
      await migrate(pgs.db, LOG);
      const mine = await checkHistory(pgs);
      const theirs = await checkHistory(lite);
      assert.deepEqual(sorted(mine.readable), sorted(theirs.readable));
      assert.ok(mine.openings.length > 0, 'the key and the attestation became commitments');
    });
  });
});
