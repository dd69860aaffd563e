// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
// API keys (hashes only) and the hash-chained change history. The history is written by triggers, so
// every write is recorded in its own transaction whatever path it took: routes, bundles, FK cascades.
// The triggers call functions the application registers on its connection (src/db/functions.ts):
// ws_now(), ws_key_id(), ws_history_enabled(), ws_chain_hash(...).
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';
import * as postgres from './postgres/2026-11-27T1000-access-and-history.js';

// Tables whose rows are records, with the type name the history uses and the SQL of a row's id.
const RECORDED: Array<{ table: string; type: string; id: string; exclude?: string[] }> = [
  { table: 'actors', type: 'actor', id: 'id' },
  { table: 'documents', type: 'document', id: 'id' },
  { table: 'statements', type: 'statement', id: 'id' },
  { table: 'relays', type: 'relay', id: 'id' },
  { table: 'claims', type: 'claim', id: 'id' },
  { table: 'statement_claims', type: 'claim-link', id: `X.claim_id || ':' || X.statement_id` },
  { table: 'tags', type: 'tag', id: 'id' },
  { table: 'api_keys', type: 'key', id: 'id', exclude: ['hash'] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.up(db, RECORDED);
  await sql`
    CREATE TABLE api_keys (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('reader','journalist','editor','admin')),
      hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by INTEGER REFERENCES api_keys(id),
      revoked_at TEXT
    )`.execute(db);

  await sql`
    CREATE TABLE changes (
      seq INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      key_id INTEGER,
      action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),
      record_type TEXT NOT NULL,
      record_id TEXT NOT NULL,
      before TEXT,
      after TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX changes_record ON changes(record_type, record_id)`.execute(db);
  await sql`CREATE INDEX changes_key ON changes(key_id) WHERE key_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX changes_at ON changes(at)`.execute(db);

  const existing = new Set(
    (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)).rows.map((r) => r.name),
  );
  for (const t of RECORDED) {
    if (!existing.has(t.table)) continue;
    const cols = (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${t.table})`.execute(db)).rows
      .map((r) => r.name)
      .filter((c) => !(t.exclude ?? []).includes(c));
    const json = (row: 'NEW' | 'OLD') => `json_object(${cols.map((c) => `'${c}', ${row}."${c}"`).join(', ')})`;
    const id = (row: 'NEW' | 'OLD') => (t.id === 'id' ? `${row}.id` : t.id.replace(/X\./g, `${row}.`));
    const insert = (action: string, recordId: string, before: string, after: string) => `
      INSERT INTO changes (seq, at, key_id, action, record_type, record_id, before, after, prev_hash, hash)
      SELECT s.seq, s.at, s.key_id, '${action}', '${t.type}', ${recordId}, ${before}, ${after}, s.prev,
             ws_chain_hash(s.prev, s.seq, s.at, s.key_id, '${action}', '${t.type}', ${recordId}, ${before}, ${after})
      FROM (SELECT coalesce((SELECT max(seq) FROM changes), 0) + 1 AS seq, ws_now() AS at, ws_key_id() AS key_id,
                   coalesce((SELECT hash FROM changes ORDER BY seq DESC LIMIT 1), '') AS prev) s;`;
    await sql
      .raw(`CREATE TRIGGER history_${t.table}_insert AFTER INSERT ON ${t.table} WHEN ws_history_enabled()
      BEGIN ${insert('insert', `CAST(${id('NEW')} AS TEXT)`, 'NULL', json('NEW'))} END`)
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER history_${t.table}_update AFTER UPDATE ON ${t.table} WHEN ws_history_enabled()
      BEGIN ${insert('update', `CAST(${id('NEW')} AS TEXT)`, json('OLD'), json('NEW'))} END`)
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER history_${t.table}_delete AFTER DELETE ON ${t.table} WHEN ws_history_enabled()
      BEGIN ${insert('delete', `CAST(${id('OLD')} AS TEXT)`, json('OLD'), 'NULL')} END`)
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.down(db);
  const triggers = (
    await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history_%'`.execute(db)
  ).rows;
  for (const { name } of triggers) await sql.raw(`DROP TRIGGER ${name}`).execute(db);
  await sql`DROP TABLE changes`.execute(db);
  await sql`DROP TABLE api_keys`.execute(db);
}
