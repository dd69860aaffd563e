// Frozen: migrations import this, so it never changes once shipped; a new question is a new file.
// Imports nothing from src/.
//
// A migration keeps one name for both databases and chooses its body by the dialect of the Kysely it is
// given: its SQLite body as it always was, or its PostgreSQL body (migrations/postgres/<same name>.ts).
// The adapter says which database the queries are compiled for, inside the migrator's transaction too.
import { type Kysely, PostgresAdapter } from 'kysely';

/** Whether this Kysely speaks PostgreSQL (otherwise it is the SQLite file). */
export function isPostgres<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
