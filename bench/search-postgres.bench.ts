// npm run bench -- --only=search-postgres [--sizes=100000,1000000] [--rounds=5]
//
// Who-said-this search on PostgreSQL at each size: the synthetic database the SQLite search bench measures
// (bench/synthetic-db.ts), copied into a PostgreSQL cluster kept under the bench cache (bench/synthetic-
// postgres.ts: built once, a one-off of minutes at 1M; later runs start it again), then the service
// (in-process, on a PostgresDb pool) against the raw PostgreSQL query for the same expression: the natural
// tsquery search ranked by ts_rank_cd, first 20 rows. Each round runs every query once each way,
// interleaved, in a new random order; p50 and p95 are over all rounds. Beside the times, the round trips
// to PostgreSQL one search makes (median): each costs a socket round trip and a query plan.
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { openPostgres } from '../src/db/postgres/open.js';
import type { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { wordTokens } from '../src/search/normalise.js';
import { benchApp } from './bench-app.js';
import { createRng, type Rng } from './synthetic.js';
import { syntheticPostgres } from './synthetic-postgres.js';

/**
 * Counts the statements sent on `db`, each a round trip: every method runs them through its private `exec`,
 * but streams (counted once, whatever their batches).
 */
function countRoundTrips(db: PostgresDb): { n: number } {
  const counter = { n: 0 };
  const methods = db as unknown as Record<'exec' | 'stream', (...args: unknown[]) => unknown>;
  for (const method of ['exec', 'stream'] as const) {
    const original = methods[method].bind(db);
    methods[method] = (...args: unknown[]) => {
      counter.n++;
      return original(...args);
    };
  }
  return counter;
}

/** An FTS5 expression of quoted tokens (what a search reports) as a tsquery. */
const tsquery = (fts5: string) =>
  fts5
    .replace(/"([^"]*)"( \*)?/g, (_, words: string, star?: string) => {
      const lexemes = words.split(' ').map((w) => `'${w}'`);
      if (star) lexemes[lexemes.length - 1] += ':*';
      return `(${lexemes.join(' <-> ')})`;
    })
    .replace(/ AND /g, ' & ')
    .replace(/ OR /g, ' | ')
    .replace(/ NOT /g, ' & !');

const RAW_WORDS = `SELECT s.* FROM statements_search x JOIN statements s ON s.id = x.id
  WHERE x.words @@ ws_query(?) ORDER BY ts_rank_cd(x.words, ws_query(?), 1) DESC LIMIT 20`;

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));

/** The query kinds of the SQLite search bench, drawn from the same database. */
function queries(file: string, vocabulary: string[], statements: number, rng: Rng) {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  try {
    const textOf = sqlite.prepare('SELECT text FROM statements WHERE id = ?').pluck();
    const randomStatement = () => {
      const id = 1 + Math.floor(rng() * statements);
      return { id, text: textOf.get(id) as string };
    };
    const rank = new Map(vocabulary.map((w, i) => [w, i]));
    const rareFrom = Math.floor(vocabulary.length / 3);
    const rare: string[] = [];
    for (let tries = 0; rare.length < 20 && tries < 5000; tries++) {
      const words = randomStatement().text.split(/\s+/);
      const at = words.findIndex(
        (_, i) => i + 2 < words.length && words.slice(i, i + 3).some((x) => (rank.get(wordTokens(x)[0] ?? '') ?? 0) >= rareFrom),
      );
      if (at >= 0) rare.push(words.slice(at, at + 3).join(' '));
    }
    const pasted = Array.from({ length: 20 }, () => {
      let words = randomStatement().text.split(/\s+/).slice(0, 30);
      words = rng() < 0.5 ? words.slice(1) : ['He', 'said:', ...words];
      if (rng() < 0.5) words = [...words, 'the', 'official', 'added'];
      return `“${words.join(' ').replace(/'/g, '’').toUpperCase()}…”`;
    });
    const stop = ['the and been', 'of the', 'that it was', 'they were not', 'it is', 'to be', 'in the', 'and the', 'this was', 'had been'];
    return [
      { name: 'rare phrase', qs: rare },
      { name: 'pasted sentence with typographic noise', qs: pasted },
      { name: 'stop words only ("the and been")', qs: stop },
      { name: 'common word', qs: vocabulary.slice(0, 20) },
    ];
  } finally {
    sqlite.close();
  }
}

export async function run(args: Record<string, string>): Promise<void> {
  const sizes = (args.sizes ?? '100000,1000000').split(',').map(Number);
  const rounds = Number(args.rounds ?? 5);
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  for (const n of sizes) {
    const synthetic = await syntheticPostgres(n);
    const { cached } = synthetic;
    let db: PostgresDb | undefined;
    try {
      db = await openPostgres(synthetic.url, { size: 4 });
      const trips = countRoundTrips(db);
      let t: number;
      const { services } = benchApp(db);
      const rng = createRng(7);
      const sets = queries(cached.file, cached.info.vocabulary, cached.info.statements, rng);
      // What the service decided for each query (after a warm-up search), and its raw equivalent.
      const decided = [];
      for (const [set, { qs }] of sets.entries()) {
        for (const q of qs) {
          const r = await services.search.search({ q });
          const expression = r.query.expression ?? '""';
          const tsq = tsquery(expression);
          const fragments = [...expression.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
          const raw =
            r.query.strategy === 'substring'
              ? () =>
                  db!.query(
                    `SELECT s.* FROM statements_search x JOIN statements s ON s.id = x.id
                     WHERE ${fragments.map(() => 'x.folded LIKE ws_like(?)').join(' AND ')} LIMIT 20`,
                    fragments,
                  )
              : () => db!.query(RAW_WORDS, [tsq, tsq]);
          await raw();
          decided.push({ set, q, strategy: r.query.strategy, raw });
        }
      }
      const service = sets.map(() => [] as number[][]);
      const roundTrips = sets.map(() => [] as number[]);
      const rawTimes = sets.map(() => [] as number[][]);
      for (let round = 0; round < rounds; round++) {
        for (const s of sets.keys()) {
          service[s].push([]);
          rawTimes[s].push([]);
        }
        const order = [...decided];
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        for (const d of order) {
          const before = trips.n;
          t = performance.now();
          await services.search.search({ q: d.q });
          service[d.set][round].push(performance.now() - t);
          roundTrips[d.set].push(trips.n - before);
          t = performance.now();
          await d.raw();
          rawTimes[d.set][round].push(performance.now() - t);
        }
      }
      console.log(`\n### ${n.toLocaleString('en')} statements on PostgreSQL (load average after: ${load()})`);
      console.log(
        `Rows copied from the synthetic SQLite database by migrate-to-postgres's table copier in ${synthetic.moveSeconds.toFixed(0)} s (once, when the cluster was built).\n`,
      );
      console.log(
        '| search (in-process service call) | queries × rounds | strategy | round trips | service p50 | service p95 | raw p50 | raw p95 | **service ÷ raw, p95** | service ÷ raw, p50 (median round) |',
      );
      console.log('|---|---|---|---:|---|---|---|---|---|---|');
      for (const [s, { name, qs }] of sets.entries()) {
        const svc = service[s].flat();
        const rw = rawTimes[s].flat();
        const strategies = new Map<string, number>();
        for (const d of decided.filter((x) => x.set === s)) strategies.set(d.strategy, (strategies.get(d.strategy) ?? 0) + 1);
        const perRound = service[s].map((xs, r) => percentile(xs, 0.5) / percentile(rawTimes[s][r], 0.5));
        console.log(
          `| ${name} | ${qs.length} × ${rounds} | ${[...strategies].map(([k, v]) => `${k}: ${v}`).join(', ')} | ${percentile(roundTrips[s], 0.5)} | ${ms(percentile(svc, 0.5))} ms | ${ms(percentile(svc, 0.95))} ms | ${ms(percentile(rw, 0.5))} ms | ${ms(percentile(rw, 0.95))} ms | **${(percentile(svc, 0.95) / percentile(rw, 0.95)).toFixed(2)}×** | ${percentile(perRound, 0.5).toFixed(2)}× |`,
        );
      }
    } finally {
      await db?.close();
      synthetic.stop();
    }
  }
  console.log(`
Raw = \`SELECT s.* FROM statements_search x JOIN statements s ON s.id = x.id WHERE x.words @@ ws_query(?)
ORDER BY ts_rank_cd(x.words, ws_query(?), 1) DESC LIMIT 20\` for the tsquery of the expression the service
reports, which ranks every match. The service adds normalisation, strategy fallbacks, ranking only where it
pays, re-ranking by closeness, speakers, hop trees, claims and snippets for the page.`);
}
