import type BetterSqlite3 from 'better-sqlite3';

/**
 * The one SQLite configuration. The service, its worker threads, the CLI and every benchmark open their
 * connections through `applySqliteSettings` (openDatabase does), so a benchmark measures what is served;
 * each benchmark checks it with `assertServiceSettings`. The values were chosen by measurement
 * (docs/architecture.md, "SQLite settings").
 */
export const SQLITE_SETTINGS = {
  /** Readers never wait for the writer; a crash loses nothing committed. */
  journal_mode: 'wal',
  /** NORMAL: with WAL, durable at checkpoints and never corrupt; FULL's fsync per commit buys nothing here. */
  synchronous: 1,
  foreign_keys: 1,
  /** Another process writing (a CLI import) is waited for, not failed. */
  busy_timeout: 5000,
  /**
   * 64 MiB of page cache per connection (negative: KiB). The default 2 MiB holds a sliver of the FTS and
   * hop indexes; pages are allocated only as used, so a small database costs no more.
   */
  cache_size: -65536,
  /**
   * No memory-mapping: not a stable win in the measurements (slower point reads, faster phrase searches in
   * some runs), and a mapped file's pages count towards the process's RSS; the OS file cache does that job.
   */
  mmap_size: 0,
  /** Sorts and temporary indexes (ORDER BY rank over many FTS matches) stay in memory: 2 = MEMORY. */
  temp_store: 2,
} as const;

export type SqliteSettings = {
  -readonly [K in keyof typeof SQLITE_SETTINGS]: (typeof SQLITE_SETTINGS)[K] extends string ? string : number;
};

const NAMES = Object.keys(SQLITE_SETTINGS) as Array<keyof SqliteSettings>;

/**
 * Applies the settings to a fresh connection. The journal mode lives in the file: an in-memory database
 * cannot use WAL, and a read-only connection cannot change it, so those keep theirs.
 */
export function applySqliteSettings(sqlite: BetterSqlite3.Database): void {
  for (const name of NAMES) {
    if (name === 'journal_mode' && (sqlite.memory || sqlite.readonly)) continue;
    sqlite.pragma(`${name} = ${SQLITE_SETTINGS[name]}`);
  }
}

/** What a connection is actually set to, for every setting above. */
export function sqliteSettings(sqlite: BetterSqlite3.Database): SqliteSettings {
  const out = {} as Record<string, unknown>;
  for (const name of NAMES) out[name] = sqlite.pragma(name, { simple: true });
  return out as SqliteSettings;
}

/** The settings that differ from the service's, as "name: actual (service: expected)". */
export function settingsDifferences(sqlite: BetterSqlite3.Database): string[] {
  const actual = sqliteSettings(sqlite);
  return NAMES.filter((n) => actual[n] !== SQLITE_SETTINGS[n]).map((n) => `${n}: ${actual[n]} (service: ${SQLITE_SETTINGS[n]})`);
}

/** Throws unless the connection is set exactly as the service's: what every benchmark calls on the connection it measures. */
export function assertServiceSettings(sqlite: BetterSqlite3.Database, what = 'this connection'): void {
  const diff = settingsDifferences(sqlite);
  if (diff.length) throw new Error(`${what} is not opened as the service opens SQLite: ${diff.join('; ')}`);
}
