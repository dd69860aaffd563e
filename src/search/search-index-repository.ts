// Upkeep of the full-text indexes' storage (not of what they hold: triggers keep that exact). An FTS5
// index is a stack of b-tree segments: every write transaction adds one, FTS5 merges them a few at a
// time, and every search looks each of its words up in every segment. Fewer segments, fewer lookups.
import type { Db } from '../db/db.js';
import type { SearchIndex } from './search-repository.js';

export interface SearchIndexRepository {
  /**
   * One slice of merge work on an index, about `pages` pages written at most; a merge already under way
   * is carried on. `whole`: every segment is merged into one; otherwise only segments of the same level
   * are. False when there was nothing to merge.
   */
  merge(index: SearchIndex, pages: number, whole: boolean): Promise<boolean>;
  /** Merges the whole index into one segment: minutes at a million statements, holding the write lock. */
  optimize(index: SearchIndex): Promise<void>;
  /** The size of each segment of the index, in pages (null where the database keeps no such thing). */
  segments(index: SearchIndex): Promise<number[] | null>;
}

const TABLES: Record<SearchIndex, 'statements_fts' | 'statements_fts_trigram'> = {
  words: 'statements_fts',
  fragments: 'statements_fts_trigram',
};

/**
 * FTS5's own commands. A positive 'merge' merges only within a level holding `usermerge` segments or more
 * (2 here: migration 2026-11-29T1501-search-usermerge.ts); a negative one merges every level together.
 */
class SqliteSearchIndexRepository implements SearchIndexRepository {
  constructor(private readonly db: Db) {}

  async merge(index: SearchIndex, pages: number, whole: boolean): Promise<boolean> {
    const t = TABLES[index];
    const changes = async () => (await this.db.queryFirst<{ n: number }>('SELECT total_changes() AS n'))!.n;
    const before = await changes();
    // A negative page count is FTS5's "merge every level together".
    await this.db.execute(`INSERT INTO ${t}(${t}, rank) VALUES ('merge', ?)`, [whole ? -pages : pages]);
    // FTS5 documents this test: fewer than two rows changed means the command found nothing to merge.
    return (await changes()) - before >= 2;
  }

  async optimize(index: SearchIndex): Promise<void> {
    const t = TABLES[index];
    await this.db.execute(`INSERT INTO ${t}(${t}) VALUES ('optimize')`);
  }

  async segments(index: SearchIndex): Promise<number[]> {
    // The b-tree over each segment's leaves: its last entry's page number (stored shifted left by one,
    // beside a flag) is about the segment's size. A few rows per segment, where the segments themselves
    // are most of the database file.
    const rows = await this.db.query<{ pages: number }>(`SELECT max(pgno) >> 1 AS pages FROM ${TABLES[index]}_idx GROUP BY segid`);
    return rows.map((r) => r.pages);
  }
}

/** PostgreSQL's GIN indexes fold their pending entries in themselves (autovacuum): nothing to do here. */
class PostgresSearchIndexRepository implements SearchIndexRepository {
  async merge(): Promise<boolean> {
    return false;
  }
  async optimize(): Promise<void> {}
  async segments(): Promise<null> {
    return null;
  }
}

export function searchIndexRepository(db: Db): SearchIndexRepository {
  return db.dialect === 'postgres' ? new PostgresSearchIndexRepository() : new SqliteSearchIndexRepository(db);
}
