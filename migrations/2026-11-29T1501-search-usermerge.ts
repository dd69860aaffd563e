// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
//
// The service tidies its FTS5 indexes after bulk writes with bounded 'merge' commands
// (src/search/search-index-service.ts). A positive 'merge' only merges a level holding `usermerge`
// segments or more (default 4); at 2 the tidy keeps at most one segment per level, so a search looks each
// word up in a few segments rather than a dozen. Writes themselves are unchanged: FTS5's own merging
// during inserts follows `automerge`, left at its default.
// PostgreSQL: nothing (its GIN indexes have no segments).
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './lib/dialect.js';

const INDEXES = ['statements_fts', 'statements_fts_trigram'];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  for (const t of INDEXES) await sql.raw(`INSERT INTO ${t}(${t}, rank) VALUES ('usermerge', 2)`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  for (const t of INDEXES) await sql.raw(`DELETE FROM ${t}_config WHERE k = 'usermerge'`).execute(db);
}
