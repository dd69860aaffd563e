// A generated database of N statements (bench/synthetic.ts), cached under the temp dir: generating 100k
// statements takes a while, and the same seed, size, generator and migrations always give the same file.
// The cache key hashes the generator and the migrations, so a change to either makes a new file.
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openMigrated } from '../src/db/open.js';
import { generate, type SyntheticInfo } from './synthetic.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_CACHE = path.join(tmpdir(), 'whosaid-bench-cache');

function cacheKey(n: number): string {
  const h = createHash('sha256').update(String(n));
  h.update(readFileSync(path.join(root, 'bench/synthetic.ts')));
  const migrations = path.join(root, 'migrations');
  for (const f of readdirSync(migrations, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(migrations, f);
    if (statSync(file).isFile()) h.update(f).update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 16);
}

export interface CachedSynthetic {
  /** The cached file: copy it before anything writes to it (copySyntheticDatabase). */
  file: string;
  info: Pick<SyntheticInfo, 'statements' | 'chainSamples' | 'vocabulary'>;
}

/** The cached database of n statements, generated first when missing. */
export async function syntheticDatabase(
  n: number,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<CachedSynthetic> {
  mkdirSync(BENCH_CACHE, { recursive: true });
  const file = path.join(BENCH_CACHE, `synthetic-${n}-${cacheKey(n)}.db`);
  const planFile = `${file}.plan.json`;
  if (!existsSync(file) || !existsSync(planFile)) {
    log(`generating a database of ${n.toLocaleString('en')} statements into ${file} (cached for later runs)`);
    const partial = `${file}.partial-${process.pid}`;
    try {
      const db = await openMigrated(partial);
      // Bulk load: no journal, no fsync, a big cache. Whoever measures opens the result as the service does.
      db.sqlite.pragma('journal_mode = OFF');
      db.sqlite.pragma('synchronous = OFF');
      db.sqlite.pragma('cache_size = -262144');
      const info = await generate(db, { statements: n, log });
      db.sqlite.pragma('journal_mode = DELETE');
      await db.close();
      writeFileSync(planFile, JSON.stringify({ statements: n, chainSamples: info.chainSamples, vocabulary: info.vocabulary }));
      renameSync(partial, file);
    } finally {
      for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
    }
  }
  return { file, info: JSON.parse(readFileSync(planFile, 'utf8')) };
}

/**
 * A private copy of a cached database, for a process that writes (the server adds its admin key). Written
 * to disk before it is returned: the OS would otherwise write back the whole file (1.6 GB at 1M
 * statements) while it is being measured, which a running service's file never does.
 */
export function copySyntheticDatabase(cached: CachedSynthetic, to: string): string {
  copyFileSync(cached.file, to);
  const fd = openSync(to, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return to;
}
