// Run by bench/search.bench.ts in its own process: opens a generated database the way the service does,
// times searches through the service (in-process) and through HTTP, the raw FTS5 queries they stand on,
// and provenance of chains 1, 5 and 20 deep; prints one JSON line. Not a benchmark file by itself.
import { createLogger } from '../src/logging/logger.js';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { assertServiceSettings, sqliteSettings } from '../src/db/sqlite-settings.js';
import { wordTokens } from '../src/search/normalise.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';
import { createRng, type Rng } from './synthetic.js';
import type { MeasureResult } from './search.bench.js';
import { countSql } from '../test/helpers/count-sql.js';

const file = process.argv[2];
const plan = JSON.parse(readFileSync(`${file}.plan.json`, 'utf8')) as {
  vocabulary: string[];
  chainSamples: Record<string, number[]>;
  statements: number;
};
const db = openDatabase(file);
// Measured as served: the service's SQLite settings (src/db/sqlite-settings.ts), checked, never set here.
assertServiceSettings(db.sqlite, 'the search benchmark connection');
const pragmas = Object.entries(sqliteSettings(db.sqlite))
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');
const registry = createSchemaRegistry();
const { app, services } = createApp({
  db,
  registry,
  publicReads: true,
  rateLimitPerKey: 0,
  rateLimitPerAddress: 0,
  requestLog: false,
  logger: createLogger({ level: 'silent' }),
});
const startMb = process.memoryUsage().rss / 2 ** 20;

const rng = createRng(7);
const pick = <T>(r: Rng, xs: T[]) => xs[Math.floor(r() * xs.length)];
const textOf = db.sqlite.prepare('SELECT text FROM statements WHERE id = ?');
const randomStatement = () => {
  const id = 1 + Math.floor(rng() * plan.statements);
  return { id, text: (textOf.get(id) as { text: string }).text };
};

// Common words: the most frequent content words of the generator's vocabulary.
const common = plan.vocabulary.slice(0, 20).map((q) => ({ q, expect: null as number | null }));

// Rare phrases: three consecutive words of a statement, one of them from the rare end of the vocabulary.
const rank = new Map(plan.vocabulary.map((w, i) => [w, i]));
const rareFrom = Math.floor(plan.vocabulary.length / 3);
const rare: Array<{ q: string; expect: number | null }> = [];
for (let tries = 0; rare.length < 20 && tries < 5000; tries++) {
  const s = randomStatement();
  const words = s.text.split(/\s+/);
  const at = words.findIndex(
    (w, i) => i + 2 < words.length && words.slice(i, i + 3).some((x) => (rank.get(wordTokens(x)[0] ?? '') ?? 0) >= rareFrom),
  );
  if (at >= 0) rare.push({ q: words.slice(at, at + 3).join(' '), expect: s.id });
}

// Pasted sentences: a statement as a reader might paste it from a page.
function noisy(text: string, r: Rng): string {
  let words = text.split(/\s+/).slice(0, 30);
  if (r() < 0.5) words = words.slice(1);
  else words = ['He', 'said:', ...words];
  if (r() < 0.5) words = words.slice(0, -1);
  else words = [...words, 'the', 'official', 'added'];
  let s = words.join(' ').replace(/'/g, '’').replace(/ — /g, ' – ').replace(/"/g, '');
  const c = r();
  s = c < 0.33 ? s.toUpperCase() : c < 0.66 ? s.toLowerCase() : s;
  s = s.replace(' ', '  \n ');
  return `“${s}…”`;
}
// Stop words only: every word is in a large share of the statements (the known slow case).
const stopwords = [
  'the and been',
  'of the',
  'that it was',
  'they were not',
  'it is',
  'to be',
  'in the',
  'and the',
  'this was',
  'we have been',
  'there will be',
  'as it was',
  'for the',
  'had been',
  'it was not',
  'from the',
  'would be',
  'they have',
  'at the',
  'with the',
].map((q) => ({ q, expect: null as number | null }));

const pasted = Array.from({ length: 20 }, () => {
  const s = randomStatement();
  return { q: noisy(s.text, rng), expect: s.id };
});

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const shuffle = <T>(xs: T[]) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const time = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const ROUNDS = Number(process.argv[3] ?? 7);
const median = (xs: number[]) => percentile(xs, 0.5);

type Decided = ReturnType<typeof decide>[number];

/** Warm-up, and what the service decided for each query: its strategy, MATCH expression and SQL count. */
function decide(name: string, queries: Array<{ q: string; expect: number | null }>) {
  const sql = countSql(db);
  try {
    return queries.map(({ q, expect }) => {
      const r = services.search.search({ q });
      sql.reset();
      services.search.search({ q });
      const statements = sql.count;
      const index = r.query.strategy === 'substring' ? 'statements_fts_trigram' : 'statements_fts';
      const match = r.query.expression ?? '""';
      const matches = (db.sqlite.prepare(`SELECT count(*) AS n FROM ${index} WHERE ${index} MATCH ?`).get(match) as { n: number }).n;
      const onPage = expect !== null && r.items.some((i) => i.statement.id === expect);
      if (expect !== null && r.items[0]?.statement.id !== expect) {
        const textOfId = (id: number | undefined) => (id === undefined ? null : (textOf.get(id) as { text: string }).text);
        process.stderr.write(
          `  ${name}: not first: ${JSON.stringify(q)} (${r.query.strategy}: ${r.query.terms.join(' ')})\n    wanted ${expect} at position ${r.items.findIndex((i) => i.statement.id === expect) + 1 || 'beyond page 1'}: ${JSON.stringify(textOfId(expect))}\n    first  ${r.items[0]?.statement.id} (relevance ${r.items[0]?.relevance}): ${JSON.stringify(textOfId(r.items[0]?.statement.id))}\n`,
        );
      }
      const natural = db.prepare(
        `SELECT s.* FROM ${index} JOIN statements s ON s.id = ${index}.rowid WHERE ${index} MATCH ? ORDER BY rank LIMIT 20`,
      );
      return {
        q,
        expect,
        strategy: r.query.strategy,
        window: r.query.rankedWithin,
        natural,
        match,
        matches,
        statements,
        first: r.items[0]?.statement.id ?? null,
        onPage,
      };
    });
  } finally {
    sql.restore();
  }
}

/**
 * Every query of every set, each round in a new random order, once through the service and once raw
 * (the natural FTS5 query for the same MATCH expression), so load on the shared machine falls on all
 * alike. Ratios are taken within each round (medians of that round) and the median round reported.
 */
function measureAll(sets: Array<{ name: string; queries: Array<{ q: string; expect: number | null }> }>) {
  const decided = sets.map((set) => decide(set.name, set.queries));
  const all = decided.flatMap((ds, set) => ds.map((d) => ({ set, d })));
  const service = sets.map(() => [] as number[][]);
  const raw = sets.map(() => [] as number[][]);
  for (let round = 0; round < ROUNDS; round++) {
    sets.forEach((_, i) => {
      service[i].push([]);
      raw[i].push([]);
    });
    for (const { set, d } of shuffle(all)) {
      service[set][round].push(time(() => services.search.search({ q: d.q })));
      raw[set][round].push(time(() => d.natural.all(d.match)));
    }
  }
  const roundMedians = (xs: number[][]) => xs.map(median);
  const results: MeasureResult['searches'] = sets.map((set, i) => {
    const ds: Decided[] = decided[i];
    const counts = new Map<string, number>();
    for (const d of ds) {
      const key = d.window === null ? d.strategy : `${d.strategy} (window ${d.window})`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const m = ds.map((d) => d.matches);
    const sqlCounts = ds.map((d) => d.statements);
    const withExpect = ds.filter((d) => d.expect !== null);
    const svc = service[i].flat();
    const rw = raw[i].flat();
    const s50 = roundMedians(service[i]);
    const r50 = roundMedians(raw[i]);
    return {
      name: set.name,
      queries: ds.length,
      samples: svc.length,
      strategies: [...counts].map(([k, v]) => `${k}: ${v}`).join(', '),
      matches: `${Math.min(...m).toLocaleString('en')}–${Math.max(...m).toLocaleString('en')} (${((100 * Math.min(...m)) / plan.statements).toFixed(2)}–${((100 * Math.max(...m)) / plan.statements).toFixed(2)}%)`,
      sqlPerSearch: `${Math.min(...sqlCounts)}–${Math.max(...sqlCounts)}`,
      top1: withExpect.length
        ? `${withExpect.filter((d) => d.first === d.expect).length}/${withExpect.length} first, ${withExpect.filter((d) => d.onPage).length}/${withExpect.length} on page 1`
        : null,
      service: { p50: median(svc), p95: percentile(svc, 0.95) },
      raw: { p50: median(rw), p95: percentile(rw, 0.95) },
      serviceOverRaw: median(s50.map((x, r) => x / r50[r])),
      roundMedians: s50,
    };
  });
  return results;
}

const searches = measureAll([
  { name: 'rare phrase', queries: rare },
  { name: 'pasted sentence with typographic noise', queries: pasted },
  { name: 'stop words only ("the and been")', queries: stopwords },
  { name: 'common word', queries: common },
]);
const rareRounds = searches[0].roundMedians;
const stopOverRare = median(searches[2].roundMedians.map((x, r) => x / rareRounds[r]));

// The same pasted sentences over HTTP: Express, validation, JSON.
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as AddressInfo).port;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (q: string) =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now();
    http
      .get({ host: '127.0.0.1', port, path: `/v1/search?q=${encodeURIComponent(q)}`, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
for (const p of pasted) await get(p.q);
const httpTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) for (const p of shuffle(pasted)) httpTimes.push(await get(p.q));
server.close();
agent.destroy();

// Provenance of one statement, as GET /v1/statements/:id/provenance computes it.
const provenance = [1, 5, 20].map((depth) => {
  const ids = (plan.chainSamples[String(depth)] ?? []).slice(0, 50);
  const times: number[] = [];
  let hops = 0;
  const countHops = (hs: Array<{ hops: unknown[] }>): number =>
    hs.reduce((n, h) => n + 1 + countHops(h.hops as Array<{ hops: unknown[] }>), 0);
  for (const id of ids) services.provenance.forStatements([services.statements.get(id)]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of shuffle(ids)) {
      times.push(
        time(() => {
          const p = services.provenance.forStatements([services.statements.get(id)]).get(id)!;
          hops = countHops(p.hops);
        }),
      );
    }
  }
  return { depth, samples: times.length, hops, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
});

const result: MeasureResult = {
  searches,
  stopOverRare,
  http: { p50: percentile(httpTimes, 0.5), p95: percentile(httpTimes, 0.95), samples: httpTimes.length },
  provenance,
  rss: { startMb, peakMb: process.resourceUsage().maxRSS / 1024 },
  pragmas,
};
db.close();
process.stdout.write(JSON.stringify(result) + '\n');
