// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';
import * as postgres from './postgres/2026-11-27T0901-tags.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.up(db);
  // A span of a document's body marked as a statement appearing there, W3C Web Annotation style:
  // code point offsets (TextPositionSelector) plus the text there with its context (TextQuoteSelector).
  // "start"/"end" are null once the text is orphaned; exact/prefix/suffix then keep the last
  // text known. quote is the text as first tagged: later matches are scored against it. anchored_at is
  // when exact/prefix/suffix were last found in the body, so an orphan can say when its text was there.
  await sql`
    CREATE TABLE tags (
      id INTEGER PRIMARY KEY,
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
      relay_id INTEGER NOT NULL REFERENCES relays(id) ON DELETE CASCADE,
      "start" INTEGER,
      "end" INTEGER,
      exact TEXT NOT NULL,
      prefix TEXT NOT NULL DEFAULT '',
      suffix TEXT NOT NULL DEFAULT '',
      quote TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('anchored','moved','fuzzy','orphaned')),
      score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
      created_at TEXT NOT NULL,
      modified_at TEXT NOT NULL,
      anchored_at TEXT NOT NULL,
      CHECK (("start" IS NULL) = ("end" IS NULL)),
      CHECK ((status = 'orphaned') = ("start" IS NULL)),
      CHECK ("start" IS NULL OR ("start" >= 0 AND "end" > "start")),
      CHECK (exact <> '' AND quote <> '')
    )`.execute(db);
  // Text order within a document, orphans (NULL offsets) sorted apart.
  await sql`CREATE INDEX tags_document ON tags(document_id, "start", "end")`.execute(db);
  await sql`CREATE INDEX tags_statement ON tags(statement_id)`.execute(db);
  await sql`CREATE INDEX tags_relay ON tags(relay_id)`.execute(db);
  // The hop a tag records is this statement's hop in this document, whatever path the write took.
  await sql`
    CREATE TRIGGER tags_relay_fits_insert BEFORE INSERT ON tags
    WHEN (SELECT statement_id FROM relays WHERE id = NEW.relay_id) IS NOT NEW.statement_id
      OR (SELECT document_id FROM relays WHERE id = NEW.relay_id) IS NOT NEW.document_id
    BEGIN SELECT RAISE(ABORT, 'tag relay belongs to another statement or document'); END`.execute(db);
  await sql`
    CREATE TRIGGER tags_relay_fits_update BEFORE UPDATE OF relay_id, statement_id, document_id ON tags
    WHEN (SELECT statement_id FROM relays WHERE id = NEW.relay_id) IS NOT NEW.statement_id
      OR (SELECT document_id FROM relays WHERE id = NEW.relay_id) IS NOT NEW.document_id
    BEGIN SELECT RAISE(ABORT, 'tag relay belongs to another statement or document'); END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.down(db);
  await sql`DROP TABLE IF EXISTS tags`.execute(db);
}
