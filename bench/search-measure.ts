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

const ROUNDS = 5;
function measure(name: string, queries: Array<{ q: string; expect: number | null }>): MeasureResult['searches'][number] {
  // Warm-up, and what the service decided for each query: its strategy and MATCH expression.
  const decided = queries.map(({ q, expect }) => {
    const r = services.search.search({ q });
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
    return {
      q,
      expect,
      strategy: r.query.strategy,
      window: r.query.rankedWithin,
      index,
      match,
      matches,
      first: r.items[0]?.statement.id ?? null,
      onPage,
    };
  });
  const sql = countSql(db);
  const perSearch = decided.map((d) => {
    sql.reset();
    services.search.search({ q: d.q });
    return sql.count;
  });
  sql.restore();
  const service: number[] = [];
  const raw: number[] = [];
  const same: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const d of shuffle(decided)) {
      service.push(time(() => services.search.search({ q: d.q })));
      const natural = db.prepare(
        `SELECT s.* FROM ${d.index} JOIN statements s ON s.id = ${d.index}.rowid WHERE ${d.index} MATCH ? ORDER BY rank LIMIT 20`,
      );
      raw.push(time(() => natural.all(d.match)));
      same.push(
        time(() => {
          let floor: number | null = null;
          if (d.window !== null) {
            const f = db
              .prepare(`SELECT rowid AS id FROM ${d.index} WHERE ${d.index} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`)
              .get(d.match, d.window - 1) as { id: number } | undefined;
            floor = f ? f.id : null;
          }
          const ranked = db.prepare(
            `SELECT s.* FROM (SELECT rowid AS id, bm25(${d.index}) AS score FROM ${d.index} WHERE ${d.index} MATCH @m${floor === null ? '' : ` AND rowid >= @floor`} ORDER BY score LIMIT 20) h JOIN statements s ON s.id = h.id ORDER BY h.score`,
          );
          ranked.all(floor === null ? { m: d.match } : { m: d.match, floor });
        }),
      );
    }
  }
  const counts = new Map<string, number>();
  for (const d of decided) {
    const key = d.window === null ? d.strategy : `${d.strategy} (window ${d.window})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const m = decided.map((d) => d.matches);
  const withExpect = decided.filter((d) => d.expect !== null);
  return {
    name,
    queries: queries.length,
    samples: service.length,
    strategies: [...counts].map(([k, v]) => `${k}: ${v}`).join(', '),
    matches: `${Math.min(...m).toLocaleString('en')}–${Math.max(...m).toLocaleString('en')} (${((100 * Math.min(...m)) / plan.statements).toFixed(2)}–${((100 * Math.max(...m)) / plan.statements).toFixed(2)}%)`,
    sqlPerSearch: `${Math.min(...perSearch)}–${Math.max(...perSearch)}`,
    top1: withExpect.length
      ? `${withExpect.filter((d) => d.first === d.expect).length}/${withExpect.length} first, ${withExpect.filter((d) => d.onPage).length}/${withExpect.length} on page 1`
      : null,
    service: { p50: percentile(service, 0.5), p95: percentile(service, 0.95) },
    raw: { p50: percentile(raw, 0.5), p95: percentile(raw, 0.95) },
    rawSamePlan: { p50: percentile(same, 0.5), p95: percentile(same, 0.95) },
  };
}

const searches = [
  measure('rare phrase', rare),
  measure('pasted sentence with typographic noise', pasted),
  measure('stop words only ("the and been")', stopwords),
  measure('common word', common),
];

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
  http: { p50: percentile(httpTimes, 0.5), p95: percentile(httpTimes, 0.95), samples: httpTimes.length },
  provenance,
  rss: { startMb, peakMb: process.resourceUsage().maxRSS / 1024 },
  pragmas,
};
db.close();
process.stdout.write(JSON.stringify(result) + '\n');
