// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
//
// The change history becomes a transparency log (RFC 9162 Merkle tree over the changes, in seq order):
//   changes.leaf_hash   SHA-256(0x00 || entry), entry = UTF-8 JSON [seq, at, keyId, action, recordType,
//                       recordId, before, after] with before/after as stored (ws_leaf_hash).
//   merkle_nodes        every complete subtree: (level, idx) covers leaves [idx·2^level, (idx+1)·2^level);
//                       appended by a trigger in the transaction that appends the change, so the root of
//                       any size and every proof need O(log n) reads.
//   history_openings    salt and value behind each commitment in a change record (editors and admins only).
//   history_columns     the explicit column list the history triggers were generated from (see lib/).
// Existing history is rewritten once into this form (confidential values and key rows become
// commitments; chain and leaves recomputed): there was no signed checkpoint before, so this is the log's
// first state, not a rewrite anyone could have pinned.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';
import * as postgres from './postgres/2026-11-29T0727-transparency-log.js';
import { type HistoryTable, installHistoryTriggers } from './lib/history-triggers-v1.js';

const STAMPS = ['created_at', 'updated_at'];

export const HISTORY_V2: HistoryTable[] = [
  {
    table: 'actors',
    type: 'actor',
    id: 'X.id',
    columns: [
      'id',
      'kind',
      'identity_status',
      'name',
      'description',
      'affiliation',
      'anonymity_reason',
      'acts_for_id',
      'attestation',
      'confidential_notes',
      ...STAMPS,
    ],
    committed: ['attestation', 'confidential_notes'],
  },
  {
    table: 'documents',
    type: 'document',
    id: 'X.id',
    columns: ['id', 'outlet_id', 'title', 'url', 'published_on', 'byline', 'language', 'body', ...STAMPS],
  },
  {
    table: 'statements',
    type: 'statement',
    id: 'X.id',
    columns: [
      'id',
      'speaker_id',
      'text',
      'text_form',
      'kind',
      'said_on',
      'said_from',
      'said_to',
      'medium',
      'medium_publisher_id',
      'circumstances',
      'language',
      'original_language',
      'original_text',
      'context',
      ...STAMPS,
    ],
  },
  {
    table: 'relays',
    type: 'relay',
    id: 'X.id',
    columns: [
      'id',
      'statement_id',
      'via_relay_id',
      'relayed_by_id',
      'document_id',
      'first_hand',
      'mode',
      'cue',
      'hedge',
      'relayed_on',
      ...STAMPS,
    ],
  },
  { table: 'claims', type: 'claim', id: 'X.id', columns: ['id', 'text', 'verdict', ...STAMPS] },
  {
    table: 'statement_claims',
    type: 'claim-link',
    id: `X.claim_id || ':' || X.statement_id`,
    columns: ['statement_id', 'claim_id', 'stance', 'created_at'],
  },
  {
    table: 'tags',
    type: 'tag',
    id: 'X.id',
    columns: [
      'id',
      'document_id',
      'statement_id',
      'relay_id',
      'start',
      'end',
      'exact',
      'prefix',
      'suffix',
      'quote',
      'status',
      'score',
      'created_at',
      'modified_at',
      'anchored_at',
    ],
  },
  {
    // Key records are an admin's business: every field is committed, so no hash a reader meets can be
    // tested against guesses of a key's name or role. The secret's hash is recorded (committed) too, so
    // a swapped hash is caught by reconciliation.
    table: 'api_keys',
    type: 'key',
    id: 'X.id',
    columns: ['id', 'name', 'role', 'hash', 'created_at', 'created_by', 'revoked_at'],
    committed: ['name', 'role', 'hash', 'created_at', 'created_by', 'revoked_at'],
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return postgres.up(db, HISTORY_V2, rewriteHistory);
  await sql`
    CREATE TABLE merkle_nodes (
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      hash BLOB NOT NULL,
      PRIMARY KEY (level, idx)
    ) WITHOUT ROWID`.execute(db);
  await sql`
    CREATE TABLE history_openings (
      seq INTEGER NOT NULL,
      side TEXT NOT NULL CHECK (side IN ('before','after')),
      column_name TEXT NOT NULL,
      salt BLOB NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (seq, side, column_name)
    ) WITHOUT ROWID`.execute(db);
  await sql`
    CREATE TABLE history_columns (
      version INTEGER NOT NULL,
      record_type TEXT NOT NULL,
      table_name TEXT NOT NULL,
      id_sql TEXT NOT NULL,
      position INTEGER NOT NULL,
      column_name TEXT NOT NULL,
      committed INTEGER NOT NULL,
      PRIMARY KEY (record_type, position)
    ) WITHOUT ROWID`.execute(db);
  await sql`ALTER TABLE changes ADD COLUMN leaf_hash BLOB`.execute(db);

  await rewriteHistory(db);

  // Each appended leaf completes the subtrees it closes: walk up while the node is a right child.
  await sql`
    CREATE TRIGGER changes_merkle_append AFTER INSERT ON changes
    BEGIN
      INSERT INTO merkle_nodes (level, idx, hash)
      WITH RECURSIVE up(level, idx, hash) AS (
        SELECT 0, NEW.seq - 1, NEW.leaf_hash
        UNION ALL
        SELECT up.level + 1, up.idx / 2, ws_node_hash(l.hash, up.hash)
        FROM up JOIN merkle_nodes l ON l.level = up.level AND l.idx = up.idx - 1
        WHERE up.idx % 2 = 1
      )
      SELECT level, idx, hash FROM up;
    END`.execute(db);

  await installHistoryTriggers(db, 2, HISTORY_V2);
}

/** Commitments in place of committed values, then chain, leaves and tree recomputed in order. */
async function rewriteHistory(db: Kysely<unknown>): Promise<void> {
  const committed = new Map(HISTORY_V2.filter((t) => t.committed).map((t) => [t.type, new Set(t.committed)]));
  const rows = (
    await sql<{
      seq: number;
      at: string;
      key_id: number | null;
      action: string;
      record_type: string;
      record_id: string;
      before: string | null;
      after: string | null;
    }>`SELECT seq, at, key_id, action, record_type, record_id, before, after FROM changes ORDER BY seq`.execute(db)
  ).rows;
  let prev = '';
  for (const r of rows) {
    const cols = committed.get(r.record_type);
    const commit = async (side: 'before' | 'after', json: string | null) => {
      if (json === null || !cols) return json;
      const row = JSON.parse(json) as Record<string, unknown>;
      for (const c of cols) {
        if (row[c] === null || row[c] === undefined) {
          row[c] = null;
          continue;
        }
        const value = JSON.stringify(row[c]);
        const opened = await sql<{ commitment: string }>`
          INSERT INTO history_openings (seq, side, column_name, salt, value) VALUES (${r.seq}, ${side}, ${c}, randomblob(16), ${value})
          RETURNING ws_commit(salt, value) AS commitment`.execute(db);
        row[c] = { commitment: opened.rows[0].commitment };
      }
      return JSON.stringify(row);
    };
    const before = await commit('before', r.before);
    const after = await commit('after', r.after);
    const hashes = (
      await sql<{ hash: string; leaf: Uint8Array }>`SELECT
          ws_chain_hash(${prev}, ${r.seq}, ${r.at}, ${r.key_id}, ${r.action}, ${r.record_type}, ${r.record_id}, ${before}, ${after}) AS hash,
          ws_leaf_hash(${r.seq}, ${r.at}, ${r.key_id}, ${r.action}, ${r.record_type}, ${r.record_id}, ${before}, ${after}) AS leaf`.execute(
        db,
      )
    ).rows[0];
    await sql`UPDATE changes SET before = ${before}, after = ${after}, prev_hash = ${prev}, hash = ${hashes.hash}, leaf_hash = ${hashes.leaf}
              WHERE seq = ${r.seq}`.execute(db);
    prev = hashes.hash;
  }
  await sql`INSERT INTO merkle_nodes (level, idx, hash) SELECT 0, seq - 1, leaf_hash FROM changes`.execute(db);
  for (let level = 1; ; level++) {
    const made = await sql`
      INSERT INTO merkle_nodes (level, idx, hash)
      SELECT ${level}, l.idx / 2, ws_node_hash(l.hash, r.hash)
      FROM merkle_nodes l JOIN merkle_nodes r ON r.level = l.level AND r.idx = l.idx + 1
      WHERE l.level = ${level - 1} AND l.idx % 2 = 0`.execute(db);
    if (!made.numAffectedRows) break;
  }
}

export async function down(): Promise<void> {
  throw new Error('the transparency log cannot be migrated down: its checkpoints would no longer verify');
}
