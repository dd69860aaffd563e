// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
//
// The PostgreSQL body of 2026-11-29T0727-transparency-log: the same tables and the same log, with the
// functions the SQLite triggers call from src/db/functions.ts as database functions of the same names:
//   ws_leaf_hash(...)   SHA-256(0x00 || UTF-8 entry), RFC 9162's leaf (leafHash in src/log/merkle.ts)
//   ws_node_hash(l, r)  SHA-256(0x01 || l || r) (nodeHash)
//   ws_commit(salt, v)  hex SHA-256(salt || UTF-8 JSON value) (commitment)
//   ws_open(...)        draws a salt (pgcrypto), keeps it with the value in history_openings, and gives
//                       the record's {"commitment":"…"} (or null for a NULL value)
//   randomblob(n)       SQLite's n random bytes, so the rewrite below is the SQLite body's own
// Existing history is rewritten by the SQLite body's rewriteHistory, run here unchanged: every function
// and statement it uses means the same on PostgreSQL. (A PostgreSQL database only ever meets this with
// the history its 1000 body's triggers wrote: none when migrated from empty in one go, as whosaid does.)
import { sql, type Kysely } from 'kysely';
import type { HistoryTable } from '../lib/history-triggers-v1.js';
import { installPgHistoryTriggers } from '../lib/pg-history-triggers-v1.js';

export async function up(
  db: Kysely<unknown>,
  history: HistoryTable[],
  rewriteHistory: (db: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);
  await sql`
    CREATE TABLE merkle_nodes (
      level bigint NOT NULL,
      idx bigint NOT NULL,
      hash bytea NOT NULL,
      PRIMARY KEY (level, idx)
    )`.execute(db);
  await sql`
    CREATE TABLE history_openings (
      seq bigint NOT NULL,
      side text COLLATE "C" NOT NULL CHECK (side IN ('before','after')),
      column_name text COLLATE "C" NOT NULL,
      salt bytea NOT NULL,
      value text COLLATE "C" NOT NULL,
      PRIMARY KEY (seq, side, column_name)
    )`.execute(db);
  await sql`
    CREATE TABLE history_columns (
      version bigint NOT NULL,
      record_type text COLLATE "C" NOT NULL,
      table_name text COLLATE "C" NOT NULL,
      id_sql text COLLATE "C" NOT NULL,
      position bigint NOT NULL,
      column_name text COLLATE "C" NOT NULL,
      committed bigint NOT NULL,
      PRIMARY KEY (record_type, position)
    )`.execute(db);
  await sql`ALTER TABLE changes ADD COLUMN leaf_hash bytea`.execute(db);

  await sql`
    CREATE FUNCTION ws_leaf_hash(seq bigint, at text, key_id bigint, action text, type text, id text, before text, after text)
    RETURNS bytea LANGUAGE sql STABLE AS $$
      SELECT sha256('\\x00'::bytea || convert_to(ws_entry(seq, at, key_id, action, type, id, before, after), 'UTF8'))
    $$`.execute(db);
  await sql`
    CREATE FUNCTION ws_node_hash(l bytea, r bytea) RETURNS bytea LANGUAGE sql IMMUTABLE
    AS $$ SELECT sha256('\\x01'::bytea || l || r) $$`.execute(db);
  await sql`
    CREATE FUNCTION ws_commit(salt bytea, value text) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT encode(sha256(salt || convert_to(value, 'UTF8')), 'hex') $$`.execute(db);
  await sql`
    CREATE FUNCTION randomblob(n integer) RETURNS bytea LANGUAGE sql VOLATILE
    AS $$ SELECT gen_random_bytes(n) $$`.execute(db);
  await sql`
    CREATE FUNCTION ws_open(p_seq bigint, p_side text, p_column text, p_value text) RETURNS text LANGUAGE plpgsql AS $$
    DECLARE
      v_salt bytea;
    BEGIN
      IF p_value IS NULL THEN RETURN 'null'; END IF;
      v_salt := gen_random_bytes(16);
      INSERT INTO history_openings (seq, side, column_name, salt, value) VALUES (p_seq, p_side, p_column, v_salt, p_value);
      RETURN '{"commitment":' || to_json(ws_commit(v_salt, p_value))::text || '}';
    END $$`.execute(db);

  await rewriteHistory(db);

  // Each appended leaf completes the subtrees it closes: walk up while the node is a right child.
  await sql`
    CREATE FUNCTION changes_merkle_append() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO merkle_nodes (level, idx, hash)
      WITH RECURSIVE up(level, idx, hash) AS (
        SELECT 0::bigint, NEW.seq - 1, NEW.leaf_hash
        UNION ALL
        SELECT up.level + 1, up.idx / 2, ws_node_hash(l.hash, up.hash)
        FROM up JOIN merkle_nodes l ON l.level = up.level AND l.idx = up.idx - 1
        WHERE up.idx % 2 = 1
      )
      SELECT up.level, up.idx, up.hash FROM up;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER changes_merkle_append AFTER INSERT ON changes
    FOR EACH ROW EXECUTE FUNCTION changes_merkle_append()`.execute(db);

  await installPgHistoryTriggers(db, 2, history, { log: true });
}
