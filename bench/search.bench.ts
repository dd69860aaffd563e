// npm run bench -- --only=search [--sizes=10000,100000,1000000] [--keep]
//
// Who-said-this search at each size: a deterministic synthetic database is generated into /tmp, then a
// separate process (bench/search-measure.ts) opens it as the service would and measures, so its peak
// RSS is the service's and not the generator's. The database is deleted afterwards (unless --keep).
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { openMigrated } from '../src/db/open.js';
import { generate } from './synthetic.js';

const measureScript = fileURLToPath(new URL('./search-measure.ts', import.meta.url));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));

export interface MeasureResult {
  searches: Array<{
    name: string;
    queries: number;
    samples: number;
    strategies: string;
    matches: string;
    top1: string | null;
    service: { p50: number; p95: number };
    raw: { p50: number; p95: number };
    rawSamePlan: { p50: number; p95: number };
  }>;
  http: { p50: number; p95: number; samples: number };
  provenance: Array<{ depth: number; samples: number; p50: number; p95: number; hops: number }>;
  rss: { startMb: number; peakMb: number };
  pragmas: string;
}

export async function run(args: Record<string, string>): Promise<void> {
  const sizes = (args.sizes ?? '10000,100000,1000000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (2 cores shared with other work: absolute times are noisy, ratios less so)`,
  );
  for (const n of sizes) {
    const file = `/tmp/whosaid-bench-search-${n}-${process.pid}.db`;
    const cleanup = () => {
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.plan.json`]) rmSync(f, { force: true });
    };
    cleanup();
    try {
      const db = await openMigrated(file);
      // Bulk load: no journal, no fsync, a big cache. The measuring process opens it like the service.
      db.sqlite.pragma('journal_mode = OFF');
      db.sqlite.pragma('synchronous = OFF');
      db.sqlite.pragma('cache_size = -262144');
      const info = generate(db, { statements: n, log: (l) => process.stderr.write(l + '\n') });
      const sizes = db.sqlite
        .prepare(
          `SELECT CASE WHEN name LIKE 'statements_fts_trigram%' THEN 'trigram' WHEN name LIKE 'statements_fts%' THEN 'words' ELSE 'tables' END AS part, SUM(pgsize) AS bytes FROM dbstat GROUP BY part`,
        )
        .all() as Array<{ part: string; bytes: number }>;
      db.sqlite.pragma('journal_mode = DELETE');
      db.close();
      const bytes = statSync(file).size;
      writeFileSync(`${file}.plan.json`, JSON.stringify({ vocabulary: info.vocabulary, chainSamples: info.chainSamples, statements: n }));

      const child = spawnSync(process.execPath, ['--import', 'tsx', measureScript, file], {
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (child.status !== 0) throw new Error(`search-measure exited with ${child.status}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as MeasureResult;

      const part = (p: string) => sizes.find((s) => s.part === p)?.bytes ?? 0;
      console.log(`\n### ${n.toLocaleString('en')} statements`);
      console.log(
        `${info.actors.toLocaleString('en')} actors (${info.outlets} outlets), ${info.documents.toLocaleString('en')} documents, ${info.relays.toLocaleString('en')} hops, ${info.claimLinks.toLocaleString('en')} claim links; rows written in ${(info.generateMs / 1000).toFixed(1)} s, FTS indexes built in ${(info.indexMs / 1000).toFixed(1)} s.`,
      );
      console.log(
        `Database ${mb(bytes)}: tables and their indexes ${mb(part('tables'))}, word index ${mb(part('words'))}, trigram index ${mb(part('trigram'))}. Measuring process: ${r.pragmas}.\n`,
      );
      console.log(
        '| search (in-process service call) | queries × runs | strategy | matching statements | service p50 | service p95 | raw FTS5 p50 | raw FTS5 p95 | service / raw p95 | raw same plan p95 | service / same plan p95 | right statement first |',
      );
      console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
      for (const s of r.searches) {
        console.log(
          `| ${s.name} | ${s.queries} × ${s.samples / s.queries} | ${s.strategies} | ${s.matches} | ${ms(s.service.p50)} ms | ${ms(s.service.p95)} ms | ${ms(s.raw.p50)} ms | ${ms(s.raw.p95)} ms | ${(s.service.p95 / s.raw.p95).toFixed(2)}× | ${ms(s.rawSamePlan.p95)} ms | ${(s.service.p95 / s.rawSamePlan.p95).toFixed(2)}× | ${s.top1 ?? '—'} |`,
        );
      }
      console.log(
        `| pasted sentence over HTTP (loopback, keep-alive) | ${r.http.samples} | | | ${ms(r.http.p50)} ms | ${ms(r.http.p95)} ms | | | | | | |`,
      );
      console.log('\n| provenance (ProvenanceService.forStatements of one statement) | samples | hops | p50 | p95 |');
      console.log('|---|---|---|---|---|');
      for (const p of r.provenance) console.log(`| chain ${p.depth} deep | ${p.samples} | ${p.hops} | ${ms(p.p50)} ms | ${ms(p.p95)} ms |`);
      console.log(
        `\nPeak RSS of the measuring process (service, app and all searches above): ${r.rss.peakMb.toFixed(0)} MB (${r.rss.startMb.toFixed(0)} MB after opening).`,
      );
    } finally {
      if (args.keep !== 'true') cleanup();
    }
  }
  console.log(`
Raw FTS5 = the natural prepared query for the same MATCH expression the service ended up running:
\`SELECT s.* FROM <index> JOIN statements s ON s.id = <index>.rowid WHERE <index> MATCH ? ORDER BY rank LIMIT 20\`,
which ranks every match. Raw same plan = the same MATCH run the way the service runs it (when more than the
ranked window match: the window query, then bm25() over the newest matches only). The service adds query
normalisation, strategy fallbacks, re-ranking, speakers, hop trees, claims and snippets for the page.`);
}
