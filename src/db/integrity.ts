import type BetterSqlite3 from 'better-sqlite3';

/**
 * What is wrong with a database file, or nothing: SQLite's own integrity check, then every full-text index
 * against the rows it indexes (FTS5 'integrity-check' with rank 1 compares an external-content index with
 * its content table). Used on backups, on files about to be restored, and after crashes.
 */
export function integrityProblems(sqlite: BetterSqlite3.Database): string[] {
  const problems = (sqlite.prepare('PRAGMA integrity_check').pluck().all() as string[]).filter((r) => r !== 'ok');
  const fts = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'`)
    .pluck()
    .all() as string[];
  for (const name of fts) {
    try {
      sqlite.prepare(`INSERT INTO "${name}"("${name}", rank) VALUES ('integrity-check', 1)`).run();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  return problems;
}
