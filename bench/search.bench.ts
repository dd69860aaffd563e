// npm run bench -- --only=search [--sizes=100000,1000000] [--rounds=7]
//
// Who-said-this search at each size: the deterministic synthetic database (bench/synthetic-db.ts: generated
// once into the temp dir, reused until the generator or the migrations change) is copied, then a separate
// process (bench/search-measure.ts) opens the copy as the service does and measures, so its peak RSS is the
// service's and not the generator's. The copy is deleted afterwards. That process runs the code as `npm start`
// serves it, compiled by tsc (tsconfig.bench.json, into bench/out/build): under tsx every function made at run
// time is also given its name by a call (esbuild's keepNames), and a page of hits makes hundreds.
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { copySyntheticDatabase, syntheticDatabase } from './synthetic-db.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const measureScript = path.join(root, 'bench', 'out', 'build', 'bench', 'search-measure.js');

/** Compiles search-measure.ts and what it imports (src/, migrations/) to bench/out/build. */
function compileMeasure(): void {
  rmSync(path.join(root, 'bench', 'out', 'build'), { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const built = spawnSync(tsc, ['-p', path.join(root, 'tsconfig.bench.json')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('compiling bench/search-measure.ts failed (see above)');
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));

export interface Timing {
  p50: number;
  p95: number;
}

export interface MeasureResult {
  searches: Array<{
    name: string;
    queries: number;
    samples: number;
    strategies: string;
    matches: string;
    top1: string | null;
    service: Timing;
    /** CPU time of the measuring process during each service call: what the machine's other work cannot inflate. */
    serviceCpu: Timing;
    raw: Timing;
    /** Median over rounds of (service p50 ÷ raw p50 of that round). */
    serviceOverRaw: number;
    /** The service's p50 in each round. */
    roundMedians: number[];
    /** SQL statements one search runs (fewest–most over the queries), once warm. */
    sqlPerSearch: string;
  }>;
  /** Median over rounds of (stop-word p50 ÷ rare-phrase p50 of that round). */
  stopOverRare: number;
  http: Timing & { samples: number };
  provenance: Array<{ depth: number; samples: number; p50: number; p95: number; hops: number }>;
  rss: { startMb: number; peakMb: number };
  pragmas: string;
}

/** What the database holds, and the size of its parts (read before the measuring process opens it). */
function contents(file: string): { counts: Record<string, number>; parts: Record<string, number> } {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    const counts = {
      actors: count('SELECT count(*) FROM actors'),
      outlets: count(`SELECT count(*) FROM actors WHERE kind = 'outlet'`),
      documents: count('SELECT count(*) FROM documents'),
      relays: count('SELECT count(*) FROM relays'),
      claimLinks: count('SELECT count(*) FROM statement_claims'),
    };
    const rows = db
      .prepare(
        `SELECT CASE WHEN name LIKE 'statements_fts_trigram%' THEN 'trigram' WHEN name LIKE 'statements_fts%' THEN 'words' ELSE 'tables' END AS part, SUM(pgsize) AS bytes FROM dbstat GROUP BY part`,
      )
      .all() as Array<{ part: string; bytes: number }>;
    return { counts, parts: Object.fromEntries(rows.map((r) => [r.part, r.bytes])) };
  } finally {
    db.close();
  }
}

/** Issue 15's search targets, from the sizes measured in this run. */
function targets(measured: Map<number, MeasureResult>): void {
  const lines: string[] = [];
  const kind = (r: MeasureResult, name: string) => r.searches.find((s) => s.name.startsWith(name));
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const small = measured.get(100_000);
  if (small) {
    for (const name of ['rare phrase', 'pasted sentence']) {
      const s = kind(small, name);
      if (s)
        lines.push(
          `- 100k, ${name}: service ÷ raw FTS5 (p50) ${s.serviceOverRaw.toFixed(2)}× (target ≤ 1.3×): ${mark(s.serviceOverRaw <= 1.3)}`,
        );
    }
    lines.push(`- 100k, stop words ÷ rare phrase (p50) ${small.stopOverRare.toFixed(2)}× (target ≤ 3×): ${mark(small.stopOverRare <= 3)}`);
  }
  const large = measured.get(1_000_000);
  if (large) {
    for (const name of ['rare phrase', 'pasted sentence', 'stop words']) {
      const s = kind(large, name);
      if (s) lines.push(`- 1M, ${name}: service p95 ${ms(s.service.p95)} ms (target ≤ 25 ms): ${mark(s.service.p95 <= 25)}`);
    }
  }
  if (lines.length) console.log(`\n### Against issue 15's targets\n\n${lines.join('\n')}`);
}

export async function run(args: Record<string, string>): Promise<void> {
  const sizes = (args.sizes ?? '100000,1000000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const rounds = Number(args.rounds ?? 7);
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `load average at start: ${load()} (${os.cpus().length} cores shared with other work: absolute times are noisy, ratios less so)`,
  );
  compileMeasure();
  const measured = new Map<number, MeasureResult>();
  for (const n of sizes) {
    const cached = await syntheticDatabase(n);
    const file = copySyntheticDatabase(cached, path.join(os.tmpdir(), `whosaid-bench-search-${n}-${process.pid}.db`));
    const cleanup = () => {
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.plan.json`]) rmSync(f, { force: true });
    };
    let r: MeasureResult;
    let info: ReturnType<typeof contents>;
    try {
      info = contents(file);
      writeFileSync(`${file}.plan.json`, JSON.stringify(cached.info));
      const child = spawnSync(process.execPath, [measureScript, file, String(rounds)], {
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (child.status !== 0) throw new Error(`search-measure exited with ${child.status}`);
      r = JSON.parse(child.stdout.trim().split('\n').pop()!) as MeasureResult;
    } finally {
      cleanup();
    }
    const { counts, parts } = info;
    measured.set(n, r);

    const part = (p: string) => parts[p] ?? 0;
    console.log(`\n### ${n.toLocaleString('en')} statements (load average after: ${load()})`);
    console.log(
      `${counts.actors.toLocaleString('en')} actors (${counts.outlets} outlets), ${counts.documents.toLocaleString('en')} documents, ${counts.relays.toLocaleString('en')} hops, ${counts.claimLinks.toLocaleString('en')} claim links.`,
    );
    console.log(
      `Database ${mb(statSync(cached.file).size)}: tables and their indexes ${mb(part('tables'))}, word index ${mb(part('words'))}, trigram index ${mb(part('trigram'))}. Opened as the service opens it: ${r.pragmas}.\n`,
    );
    console.log(
      '| search (in-process service call) | searches timed (distinct queries) | strategy | matching statements | SQL per search | service p50 | **service p95** | service CPU p50 / p95 | raw FTS5 p50 | raw FTS5 p95 | **service ÷ raw, p50** | right statement first |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.searches) {
      console.log(
        `| ${s.name} | ${s.samples} (${s.queries}) | ${s.strategies} | ${s.matches} | ${s.sqlPerSearch} | ${ms(s.service.p50)} ms | **${ms(s.service.p95)} ms** | ${ms(s.serviceCpu.p50)} / ${ms(s.serviceCpu.p95)} ms | ${ms(s.raw.p50)} ms | ${ms(s.raw.p95)} ms | **${s.serviceOverRaw.toFixed(2)}×** | ${s.top1 ?? '—'} |`,
      );
    }
    console.log(
      `| pasted sentence over HTTP (loopback, keep-alive) | ${r.http.samples} | | | | ${ms(r.http.p50)} ms | ${ms(r.http.p95)} ms | | | | | |`,
    );
    console.log(`\n**stop words ÷ rare phrase** (service p50): **${r.stopOverRare.toFixed(2)}×**.`);
    console.log('\n| provenance (ProvenanceService.forStatements of one statement) | samples | hops | p50 | p95 |');
    console.log('|---|---|---|---|---|');
    for (const p of r.provenance) console.log(`| chain ${p.depth} deep | ${p.samples} | ${p.hops} | ${ms(p.p50)} ms | ${ms(p.p95)} ms |`);
    console.log(
      `\nPeak RSS of the measuring process (service, app and all searches above): ${r.rss.peakMb.toFixed(0)} MB (${r.rss.startMb.toFixed(0)} MB after opening).`,
    );
  }
  targets(measured);
  console.log(`
Raw FTS5 = the natural prepared query for the MATCH expression a service that has counted no word yet
runs for the same query (a warm service may skip counting a word every statement holding the rarer ones
holds, and leaves it out of its own expression; the raw side keeps the words a full count chooses):
\`SELECT s.* FROM <index> JOIN statements s ON s.id = <index>.rowid WHERE <index> MATCH ? ORDER BY rank LIMIT 20\`,
which ranks every match by bm25, on a connection of its own opened the same way (neither side reads pages
the other has just cached). The service adds query normalisation, strategy fallbacks, ranking (bm25
only where it pays: not for a few hundred matches, nor for stop words only), re-ranking by closeness,
speakers, hop trees, claims and snippets for the page. Warm as a running service: both sides first run
100 untimed rare phrases and 100 pasted sentences, and the stop words and common words once (compiled
code, the indexes' upper pages, common words' counts). Then every rare phrase and pasted sentence timed is
new to both (${'`'}--rounds${'`'} × 20 of each, drawn
through a third connection closed before timing); stop words and common words are a fixed 20, repeated
each round. Each round runs its queries of every kind once through the service and once raw,
interleaved, in a new random order; the two take turns going first (whichever runs second finds the
query's lists in the CPU's caches), and before each timed call one untimed 64 KiB allocation makes glibc's
malloc tidy the small blocks the last query freed (the raw ORDER BY rank of a common word frees hundreds of
thousands, and the call after paid for them: up to 30 ms at 1M). The measuring process runs the code
compiled by tsc, as ${'`'}npm start${'`'} serves it. p50 and p95 are over all rounds, and each ratio is the median over
rounds of that round's p50 ÷ p50. Service CPU is the measuring process's CPU time (all its threads)
during each service call: a p95 far above it is time spent waiting for a core. The copy of the database is written to disk before it is opened, so
its writeback does not run during the timing.`);
}
