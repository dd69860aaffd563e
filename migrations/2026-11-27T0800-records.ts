// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';
import * as postgres from './postgres/2026-11-27T0800-records.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.up(db);
  await sql`
    CREATE TABLE actors (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('person','organisation','outlet','state','group')),
      identity_status TEXT NOT NULL CHECK (identity_status IN ('named','anonymous','unidentified')),
      name TEXT,
      description TEXT,
      affiliation TEXT,
      anonymity_reason TEXT,
      acts_for_id INTEGER REFERENCES actors(id) ON DELETE SET NULL,
      attestation TEXT,
      confidential_notes TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK (identity_status <> 'named' OR name IS NOT NULL),
      CHECK (identity_status = 'named' OR (name IS NULL AND description IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX actors_acts_for ON actors(acts_for_id) WHERE acts_for_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX actors_kind_status ON actors(kind, identity_status)`.execute(db);

  await sql`
    CREATE TABLE documents (
      id INTEGER PRIMARY KEY,
      outlet_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
      title TEXT NOT NULL,
      url TEXT,
      published_on TEXT,
      byline TEXT,
      language TEXT,
      body TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX documents_outlet ON documents(outlet_id)`.execute(db);

  // said_from/said_to: the first and last day a partial date covers, for range filters.
  await sql`
    CREATE TABLE statements (
      id INTEGER PRIMARY KEY,
      speaker_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
      text TEXT NOT NULL,
      text_form TEXT NOT NULL CHECK (text_form IN ('quote','paraphrase')),
      kind TEXT NOT NULL,
      said_on TEXT,
      said_from TEXT,
      said_to TEXT,
      medium TEXT,
      medium_publisher_id INTEGER REFERENCES actors(id) ON DELETE SET NULL,
      circumstances TEXT NOT NULL DEFAULT '[]',
      language TEXT,
      original_language TEXT,
      original_text TEXT,
      context TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX statements_speaker ON statements(speaker_id)`.execute(db);
  await sql`CREATE INDEX statements_kind ON statements(kind)`.execute(db);
  await sql`CREATE INDEX statements_said ON statements(said_from, said_to)`.execute(db);
  await sql`CREATE INDEX statements_medium_publisher ON statements(medium_publisher_id) WHERE medium_publisher_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE relays (
      id INTEGER PRIMARY KEY,
      statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
      via_relay_id INTEGER REFERENCES relays(id) ON DELETE CASCADE,
      relayed_by_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
      document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
      first_hand INTEGER NOT NULL DEFAULT 0 CHECK (first_hand IN (0, 1)),
      mode TEXT NOT NULL CHECK (mode IN ('verbatim','paraphrase','translation','summary')),
      cue TEXT,
      hedge TEXT NOT NULL,
      relayed_on TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK (via_relay_id IS NULL OR via_relay_id <> id),
      CHECK (first_hand = 0 OR via_relay_id IS NULL)
    )`.execute(db);
  await sql`CREATE INDEX relays_statement ON relays(statement_id)`.execute(db);
  await sql`CREATE INDEX relays_via ON relays(via_relay_id) WHERE via_relay_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX relays_document ON relays(document_id) WHERE document_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX relays_relayed_by ON relays(relayed_by_id)`.execute(db);
  // A hop's earlier hop belongs to the same statement, whatever path the write took.
  await sql`
    CREATE TRIGGER relays_via_same_statement_insert BEFORE INSERT ON relays
    WHEN NEW.via_relay_id IS NOT NULL
      AND (SELECT statement_id FROM relays WHERE id = NEW.via_relay_id) IS NOT NEW.statement_id
    BEGIN SELECT RAISE(ABORT, 'via relay belongs to another statement'); END`.execute(db);
  await sql`
    CREATE TRIGGER relays_via_same_statement_update BEFORE UPDATE OF via_relay_id, statement_id ON relays
    WHEN NEW.via_relay_id IS NOT NULL
      AND (SELECT statement_id FROM relays WHERE id = NEW.via_relay_id) IS NOT NEW.statement_id
    BEGIN SELECT RAISE(ABORT, 'via relay belongs to another statement'); END`.execute(db);

  await sql`
    CREATE TABLE claims (
      id INTEGER PRIMARY KEY,
      text TEXT NOT NULL,
      verdict TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE statement_claims (
      statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
      claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
      stance TEXT NOT NULL CHECK (stance IN ('supports','disputes','denies','declines_to_comment')),
      created_at TEXT NOT NULL,
      PRIMARY KEY (statement_id, claim_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX statement_claims_claim ON statement_claims(claim_id, statement_id)`.execute(db);

  // Which record a bundle key became, and the digest of the item that made it, for idempotent bundles.
  await sql`
    CREATE TABLE bundle_keys (
      namespace TEXT NOT NULL,
      record_type TEXT NOT NULL,
      key TEXT NOT NULL,
      record_id INTEGER NOT NULL,
      digest TEXT NOT NULL,
      PRIMARY KEY (namespace, record_type, key)
    ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.down(db);
  for (const t of ['bundle_keys', 'statement_claims', 'claims', 'relays', 'statements', 'documents', 'actors']) {
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
  }
}
