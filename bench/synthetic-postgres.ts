// Generated databases on PostgreSQL. The generator (bench/synthetic.ts) writes SQLite's rows directly, for
// speed; PostgreSQL gets the same rows as a newsroom's get there: generated into SQLite, then copied by the
// table copier of `whosaid migrate-to-postgres` (copyTables, src/transfer/copy-database.ts). Not by a whole
// move: generated rows have no history, and a move refuses records whose history does not verify.
//   generateInto(db, opts)     N statements into a test's database of either dialect
//   syntheticPostgres(n)       the cached synthetic database of n statements (bench/synthetic-db.ts) moved
//                              into a PostgreSQL cluster kept under the bench cache, started on demand
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Db } from '../src/db/db.js';
import type { SqliteDb } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { openPostgres } from '../src/db/postgres/open.js';
import { copyTables } from '../src/transfer/copy-database.js';
import { generate, type SyntheticInfo, type SyntheticOptions } from './synthetic.js';
import { type CachedSynthetic, syntheticDatabase } from './synthetic-db.js';

// The cluster script is plain JavaScript (CI runs it without a compiler).
const { startCluster, stopCluster } = (await import(new URL('../scripts/pg-cluster.mjs', import.meta.url).href)) as {
  startCluster(opts?: { dir?: string }): Promise<{ dir: string; url: string }>;
  stopCluster(dir: string, opts?: { keep?: boolean }): void;
};

/** The tables the generator fills. */
const GENERATED = ['actors', 'documents', 'statements', 'relays', 'claims', 'statement_claims'];

/**
 * Generates N statements into `db`, SQLite or PostgreSQL: on PostgreSQL into an in-memory SQLite database
 * first, whose rows are then copied (ids kept, no history written, sequences moved past them).
 */
export async function generateInto(db: Db, opts: SyntheticOptions): Promise<SyntheticInfo> {
  if (db.dialect === 'sqlite') return generate(db as SqliteDb, opts);
  const scratch = await openMigrated(':memory:');
  try {
    const info = await generate(scratch, opts);
    await copyTables(scratch, db, GENERATED);
    return info;
  } finally {
    await scratch.close();
  }
}

export interface SyntheticPostgres {
  /** The database's URL on the running cluster. */
  url: string;
  /** The SQLite database it was moved from (for picking queries). */
  cached: CachedSynthetic;
  /** Seconds the move took when the cluster was built (from its marker file). */
  moveSeconds: number;
  /** Stops the cluster; its data stays cached. */
  stop(): void;
}

const DATABASE = 'whosaid';

/**
 * The synthetic database of n statements on a running PostgreSQL cluster. The first call builds it (a one-off:
 * `whosaid migrate-to-postgres`'s copier into a new cluster under the bench cache, then ANALYZE) and keeps the
 * cluster's folder, named by the SQLite file's cache key; later calls start that cluster again. Whoever writes
 * to it (a server's first admin key) should work on a copy: `CREATE DATABASE … TEMPLATE whosaid`.
 */
export async function syntheticPostgres(
  n: number,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<SyntheticPostgres> {
  const cached = await syntheticDatabase(n, log);
  const dir = cached.file.replace(/\.db$/, '.pg');
  const marker = path.join(dir, 'moved.json');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    const partial = `${dir}.partial-${process.pid}`;
    log(`moving ${cached.file} into PostgreSQL under ${dir} (cached for later runs)`);
    const cluster = await startCluster({ dir: partial });
    try {
      const seconds = await build(cluster.url, partial, cached.file, log);
      stopCluster(partial, { keep: true });
      writeFileSync(path.join(partial, 'moved.json'), JSON.stringify({ statements: n, moveSeconds: seconds }));
      renameSync(partial, dir);
    } catch (e) {
      stopCluster(partial);
      throw e;
    }
  }
  const { moveSeconds } = JSON.parse(readFileSync(marker, 'utf8')) as { moveSeconds: number };
  const cluster = await startCluster({ dir });
  const url = new URL(cluster.url);
  url.pathname = `/${DATABASE}`;
  return { url: url.toString(), cached, moveSeconds, stop: () => stopCluster(dir, { keep: true }) };
}

/** Moves the SQLite file into a new database of the cluster, as `whosaid migrate-to-postgres` does; gives the seconds it took. */
async function build(clusterUrl: string, dir: string, file: string, log: (line: string) => void): Promise<number> {
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = new URL(clusterUrl);
  url.pathname = `/${DATABASE}`;
  // A copy: opening the cached file as the service does would switch it to WAL, and others read it.
  const copy = `${dir}.source.db`;
  copyFileSync(file, copy);
  const source = await openMigrated(copy);
  const target = await openPostgres(url.toString(), { size: 2 });
  try {
    const t0 = performance.now();
    let last = 0;
    const rows = await copyTables(source, target, GENERATED, {
      indexesAfter: true,
      progress: (note) => {
        if (performance.now() - last < 10_000 && !note.startsWith('building')) return;
        last = performance.now();
        log(`  ${note}`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    log(`copied ${rows.toLocaleString('en')} rows in ${seconds.toFixed(0)} s`);
    await target.execute('ANALYZE');
    return seconds;
  } finally {
    await target.close();
    await source.close();
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  }
}
