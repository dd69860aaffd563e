// What the search tests read of the indexes directly, on either database.
import assert from 'node:assert/strict';
import type { Db } from '../../src/db/db.js';

/**
 * The indexes agree with the statements table, row for row: FTS5's own check against external content on
 * SQLite; on PostgreSQL, every statement has its row in statements_search, made from its current text.
 */
export async function assertIndexesExact(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') {
    for (const index of ['statements_fts', 'statements_fts_trigram']) {
      await db.execute(`INSERT INTO ${index}(${index}, rank) VALUES ('integrity-check', 1)`);
    }
    return;
  }
  const stale = await db.query<{ id: number }>(
    `SELECT coalesce(s.id, x.id) AS id FROM statements s FULL JOIN statements_search x ON x.id = s.id
     WHERE s.id IS NULL OR x.id IS NULL
        OR x.words <> ws_statement_words(s.text, s.original_text) OR x.folded <> ws_statement_folded(s.text, s.original_text)`,
  );
  assert.deepEqual(stale, [], 'statements whose search row is missing, left over or out of date');
}

/** The statements whose word index holds all of `words` (plain lower-case words), newest first. */
export async function statementsWithWords(db: Db, words: string[]): Promise<number[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query<{ id: number }>('SELECT rowid AS id FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC', [
          words.map((w) => `"${w}"`).join(' AND '),
        ])
      : await db.query<{ id: number }>('SELECT id FROM statements_search WHERE words @@ ws_query(?) ORDER BY id DESC', [words.join(' & ')]);
  return rows.map((r) => r.id);
}
