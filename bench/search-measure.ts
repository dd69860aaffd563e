// Run by bench/search.bench.ts in its own process: opens a generated database the way the service does,
// times searches through the service (in-process) and through HTTP, the raw FTS5 queries they stand on,
// and provenance of chains 1, 5 and 20 deep; prints one JSON line. Not a benchmark file by itself.
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../src/db/database.js';
import { assertServiceSettings, sqliteSettings } from '../src/db/sqlite-settings.js';
import { wordTokens } from '../src/search/normalise.js';
import { searchRepository } from '../src/search/search-repository.js';
import { SearchService } from '../src/search/search-service.js';
import { benchApp } from './bench-app.js';
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
const { app, services } = benchApp(db);
const startMb = process.memoryUsage().rss / 2 ** 20;

const ROUNDS = Number(process.argv[3] ?? 7);
/** Queries of each kind per round. */
const PER_ROUND = 20;
/**
 * Untimed searches of each kind first: a running service has answered others before, so its compiled
 * code, the upper pages of the indexes in its page cache and the counts of common words are warm.
 */
const WARM_UP = 100;

// The queries are drawn through a connection of their own, closed before anything is timed: reading a
// statement to make a query of it would leave its pages in the measured connection's cache.
const rng = createRng(7);
const draw = new BetterSqlite3(file, { readonly: true });
const textOf = draw.prepare('SELECT text FROM statements WHERE id = ?');
const randomStatement = () => {
  const id = 1 + Math.floor(rng() * plan.statements);
  return { id, text: (textOf.get(id) as { text: string }).text };
};
interface Query {
  q: string;
  /** The statement the query was made from, which should come first. */
  expect: number | null;
}
const fresh = (n: number, make: () => Query | null): Query[] => {
  const out: Query[] = [];
  for (let tries = 0; out.length < n && tries < 200 * n; tries++) {
    const x = make();
    if (x) out.push(x);
  }
  return out;
};

// Common words: the most frequent content words of the generator's vocabulary.
const common = plan.vocabulary.slice(0, PER_ROUND).map((q) => ({ q, expect: null }));

// Rare phrases: three consecutive words of a statement, one of them from the rare end of the vocabulary.
const rank = new Map(plan.vocabulary.map((w, i) => [w, i]));
const rareFrom = Math.floor(plan.vocabulary.length / 3);
const rarePhrase = (): Query | null => {
  const s = randomStatement();
  const words = s.text.split(/\s+/);
  const at = words.findIndex(
    (_w, i) => i + 2 < words.length && words.slice(i, i + 3).some((x) => (rank.get(wordTokens(x)[0] ?? '') ?? 0) >= rareFrom),
  );
  return at >= 0 ? { q: words.slice(at, at + 3).join(' '), expect: s.id } : null;
};

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
const pastedSentence = (): Query => {
  const s = randomStatement();
  return { q: noisy(s.text, rng), expect: s.id };
};
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
].map((q) => ({ q, expect: null }));

/**
 * What is timed. A searcher pastes a quote the service has not seen: each round has its own rare phrases
 * and pasted sentences, and the warm-up others again, so no timed search of those kinds repeats an
 * earlier one. Stop words and common words are a fixed 20 each, as the same few words do recur.
 */
interface Kind {
  name: string;
  warm: Query[];
  rounds: Query[][];
}
const perRound = (make: () => Query | null) => Array.from({ length: ROUNDS }, () => fresh(PER_ROUND, make));
const kinds: Kind[] = [
  { name: 'rare phrase', warm: fresh(WARM_UP, rarePhrase), rounds: perRound(rarePhrase) },
  { name: 'pasted sentence with typographic noise', warm: fresh(WARM_UP, pastedSentence), rounds: perRound(pastedSentence) },
  { name: 'stop words only ("the and been")', warm: stopwords, rounds: Array.from({ length: ROUNDS }, () => stopwords) },
  { name: 'common word', warm: common, rounds: Array.from({ length: ROUNDS }, () => common) },
];
const httpWarm = fresh(PER_ROUND, pastedSentence);
const httpRounds = perRound(pastedSentence);
draw.close();

/**
 * The raw side's MATCH expression for each query: the one a service that has counted no word yet runs (each
 * query through a new SearchService on a connection of its own, closed before timing). A warm service may
 * skip counting a word that every statement holding the rarer ones holds, and then leaves it out of its
 * expression; the raw query keeps the words a full count chooses, so what it is compared with does not move
 * with what the service happens to know.
 */
const reference = new Map<string, { index: 'statements_fts' | 'statements_fts_trigram'; match: string }>();
{
  const refDb = openDatabase(file);
  const { services: ref } = benchApp(refDb);
  for (const k of kinds) {
    for (const q of [...k.warm, ...k.rounds.flat()]) {
      if (reference.has(q.q)) continue;
      const r = await new SearchService(searchRepository(refDb), ref.provenance).search({ q: q.q });
      reference.set(q.q, {
        index: r.query.strategy === 'substring' ? 'statements_fts_trigram' : 'statements_fts',
        match: r.query.expression ?? '""',
      });
    }
  }
  await refDb.close();
}

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
const median = (xs: number[]) => percentile(xs, 0.5);
const time = async (fn: () => unknown) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

// The raw FTS5 query runs on a connection of its own, opened the same way, so neither side reads pages
// the other has just cached: each sees the query as new.
const rawDb = openDatabase(file);
assertServiceSettings(rawDb.sqlite, 'the raw FTS5 connection');
const natural = (index: string) =>
  rawDb.sqlite.prepare(`SELECT s.* FROM ${index} JOIN statements s ON s.id = ${index}.rowid WHERE ${index} MATCH ? ORDER BY rank LIMIT 20`);
const naturalOf = { statements_fts: natural('statements_fts'), statements_fts_trigram: natural('statements_fts_trigram') };
/**
 * Untimed, before each timed call: one allocation of 64 KiB, which makes glibc's malloc sort out the small
 * blocks freed since (malloc_consolidate) then rather than inside the next timed call. The raw ORDER BY rank
 * of a common word or of stop words frees hundreds of thousands of them, and the service, which never runs
 * such a query, paid for it in the search after: at 1M, a rare word's probe after one took 1.4 ms (median,
 * up to 30 ms) against 35 µs after a light query, and 0.23 ms with this step (or with the raw query on a
 * thread, and so a malloc arena, of its own). The raw side gets the same step, so each timed call starts
 * from the same state and pays only for what it frees itself.
 */
const settleStmt = rawDb.sqlite.prepare('SELECT length(randomblob(65536))').pluck();
const settle = () => settleStmt.get();

interface Seen {
  q: string;
  expect: number | null;
  strategy: string;
  window: number | null;
  index: keyof typeof naturalOf;
  match: string;
  first: number | null;
  onPage: boolean;
}
const search = async (q: Query): Promise<Seen> => {
  const r = await services.search.search({ q: q.q });
  const ref = reference.get(q.q)!;
  return {
    q: q.q,
    expect: q.expect,
    strategy: r.query.strategy,
    window: r.query.rankedWithin,
    index: ref.index,
    match: ref.match,
    first: r.items[0]?.statement.id ?? null,
    onPage: q.expect !== null && r.items.some((i) => i.statement.id === q.expect),
  };
};

/**
 * The service warmed up as a running one is (WARM_UP), on queries that are not timed; then every kind
 * interleaved, each round in a new random
 * order, each query once through the service and once raw (the natural FTS5 query for the MATCH
 * expression the service ran). Ratios are taken within each round (medians of that round) and the
 * median round reported; p95 is over every timed search of a kind.
 */
async function measureAll(sets: Kind[]): Promise<MeasureResult['searches']> {
  for (const set of sets) {
    for (const q of set.warm) {
      const s = await search(q);
      naturalOf[s.index].all(s.match);
    }
  }
  const service = sets.map(() => [] as number[][]);
  const raw = sets.map(() => [] as number[][]);
  const serviceCpu = sets.map(() => [] as number[]);
  const seen = sets.map(() => [] as Seen[]);
  let pairs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i] of sets.entries()) {
      service[i].push([]);
      raw[i].push([]);
    }
    for (const { set, q } of shuffle(sets.flatMap((k, set) => k.rounds[round].map((q) => ({ set, q }))))) {
      const ref = reference.get(q.q)!;
      const timeRaw = () => {
        settle();
        const t = performance.now();
        naturalOf[ref.index].all(ref.match);
        raw[set][round].push(performance.now() - t);
      };
      // Whichever runs second finds the query's pages in the OS cache and its lists in the CPU's caches:
      // the two take turns going first.
      const rawFirst = pairs++ % 2 === 1;
      if (rawFirst) timeRaw();
      settle();
      const cpu = process.cpuUsage();
      const t = performance.now();
      const s = await search(q);
      service[set][round].push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      serviceCpu[set].push((used.user + used.system) / 1000);
      if (!rawFirst) timeRaw();
      seen[set].push(s);
    }
  }
  const results: MeasureResult['searches'] = [];
  for (const [i, set] of sets.entries()) {
    const ds = seen[i];
    const counts = new Map<string, number>();
    for (const d of ds) {
      const key = d.window === null ? d.strategy : `${d.strategy} (window ${d.window})`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const distinct = [...new Map(ds.map((d) => [d.q, d])).values()];
    // Matching statements and SQL per search, once the timing is done (each search runs again, now warm).
    const m = distinct.map(
      (d) => (rawDb.sqlite.prepare(`SELECT count(*) AS n FROM ${d.index} WHERE ${d.index} MATCH ?`).get(d.match) as { n: number }).n,
    );
    const sql = countSql(db);
    const sqlCounts: number[] = [];
    for (const d of distinct) {
      sql.reset();
      await services.search.search({ q: d.q });
      sqlCounts.push(sql.count);
    }
    sql.restore();
    const withExpect = ds.filter((d) => d.expect !== null);
    for (const d of withExpect.filter((d) => d.first !== d.expect)) {
      process.stderr.write(
        `  ${set.name}: not first: ${JSON.stringify(d.q)} (${d.strategy}: ${d.match}): wanted ${d.expect}, first ${d.first}\n`,
      );
    }
    const svc = service[i].flat();
    const rw = raw[i].flat();
    const s50 = service[i].map(median);
    const r50 = raw[i].map(median);
    results.push({
      name: set.name,
      queries: distinct.length,
      samples: svc.length,
      strategies: [...counts].map(([k, v]) => `${k}: ${v}`).join(', '),
      matches: `${Math.min(...m).toLocaleString('en')}–${Math.max(...m).toLocaleString('en')} (${((100 * Math.min(...m)) / plan.statements).toFixed(2)}–${((100 * Math.max(...m)) / plan.statements).toFixed(2)}%)`,
      sqlPerSearch: `${Math.min(...sqlCounts)}–${Math.max(...sqlCounts)}`,
      top1: withExpect.length
        ? `${withExpect.filter((d) => d.first === d.expect).length}/${withExpect.length} first, ${withExpect.filter((d) => d.onPage).length}/${withExpect.length} on page 1`
        : null,
      service: { p50: median(svc), p95: percentile(svc, 0.95) },
      serviceCpu: { p50: median(serviceCpu[i]), p95: percentile(serviceCpu[i], 0.95) },
      raw: { p50: median(rw), p95: percentile(rw, 0.95) },
      serviceOverRaw: median(s50.map((x, r) => x / r50[r])),
      roundMedians: s50,
    });
  }
  return results;
}

const searches = await measureAll(kinds);
const rareRounds = searches[0].roundMedians;
const stopOverRare = median(searches[2].roundMedians.map((x, r) => x / rareRounds[r]));

// Pasted sentences over HTTP (Express, validation, JSON), new ones as above.
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
for (const p of httpWarm) await get(p.q);
const httpTimes: number[] = [];
for (const round of httpRounds) for (const p of round) httpTimes.push(await get(p.q));
server.close();
agent.destroy();

// Provenance of one statement, as GET /v1/statements/:id/provenance computes it.
const provenance = [];
for (const depth of [1, 5, 20]) {
  const ids = (plan.chainSamples[String(depth)] ?? []).slice(0, 50);
  const times: number[] = [];
  let hops = 0;
  const countHops = (hs: Array<{ hops: unknown[] }>): number =>
    hs.reduce((n, h) => n + 1 + countHops(h.hops as Array<{ hops: unknown[] }>), 0);
  for (const id of ids) await services.provenance.forStatements([await services.statements.get(id)]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of shuffle(ids)) {
      times.push(
        await time(async () => {
          const p = (await services.provenance.forStatements([await services.statements.get(id)])).get(id)!;
          hops = countHops(p.hops);
        }),
      );
    }
  }
  provenance.push({ depth, samples: times.length, hops, p50: percentile(times, 0.5), p95: percentile(times, 0.95) });
}

const result: MeasureResult = {
  searches,
  stopOverRare,
  http: { p50: percentile(httpTimes, 0.5), p95: percentile(httpTimes, 0.95), samples: httpTimes.length },
  provenance,
  rss: { startMb, peakMb: process.resourceUsage().maxRSS / 1024 },
  pragmas,
};
await db.close();
process.stdout.write(JSON.stringify(result) + '\n');
