// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
//
// Two FTS5 indexes over statements(text, original_text), both external-content (the text is stored once,
// in statements) and kept exact by triggers. Triggers rather than application code because statements
// also disappear through bundles, plain SQL and ON DELETE CASCADE from actors; SQLite fires these triggers
// for cascaded deletes too.
//   statements_fts          words: Porter stems over unicode61 with diacritics folded ("café" = "cafe").
//   statements_fts_trigram  substrings of three characters or more, case and diacritics folded.
// PostgreSQL: migrations/postgres/2026-11-27T0900-search.ts (tsvector and pg_trgm over a side table).
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';
import * as postgres from './postgres/2026-11-27T0900-search.js';

const INDEXES = ['statements_fts', 'statements_fts_trigram'];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.up(db);
  await sql`
    CREATE VIRTUAL TABLE statements_fts USING fts5(
      text, original_text,
      content = 'statements', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    CREATE VIRTUAL TABLE statements_fts_trigram USING fts5(
      text, original_text,
      content = 'statements', content_rowid = 'id',
      tokenize = 'trigram case_sensitive 0 remove_diacritics 1',
      detail = 'full'
    )`.execute(db);

  // An external-content index must be told the old values to remove them: hence 'delete' with OLD.*.
  const insertNew = INDEXES.map((t) => `INSERT INTO ${t}(rowid, text, original_text) VALUES (NEW.id, NEW.text, NEW.original_text);`).join(
    '\n',
  );
  const deleteOld = INDEXES.map(
    (t) => `INSERT INTO ${t}(${t}, rowid, text, original_text) VALUES ('delete', OLD.id, OLD.text, OLD.original_text);`,
  ).join('\n');
  await sql.raw(`CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN\n${insertNew}\nEND`).execute(db);
  await sql.raw(`CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN\n${deleteOld}\nEND`).execute(db);
  await sql
    .raw(
      `CREATE TRIGGER statements_fts_update AFTER UPDATE OF id, text, original_text ON statements BEGIN\n${deleteOld}\n${insertNew}\nEND`,
    )
    .execute(db);

  for (const t of INDEXES) await sql.raw(`INSERT INTO ${t}(${t}) VALUES ('rebuild')`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.down(db);
  for (const t of ['statements_fts_insert', 'statements_fts_delete', 'statements_fts_update'])
    await sql.raw(`DROP TRIGGER IF EXISTS ${t}`).execute(db);
  for (const t of INDEXES) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
