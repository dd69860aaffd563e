// What one page of search costs in SQL: speakers, hop trees, claims and snippets for a page are read in
// a fixed number of queries, so a page of 20 hits runs exactly as many statements as a page of one.
import assert from 'node:assert/strict';
import { generateInto } from '../bench/synthetic-postgres.js';
import type { SearchResults } from '../src/generated/schema-types.js';
import { toTsquery } from '../src/search/postgres-search-repository.js';
import { allOf, word } from '../src/search/search-expression.js';
import { searchRepository } from '../src/search/search-repository.js';
import { SearchService } from '../src/search/search-service.js';
import { countSql } from './helpers/count-sql.js';
import { firstValue } from './helpers/rows.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

describe('search cost', () => {
  let t: TestApp;
  let texts: string[];
  before(async function () {
    this.timeout(60_000); // on PostgreSQL: generated in SQLite, then copied
    t = await makeTestApp();
    await generateInto(t.db, { statements: 800 });
    texts = (await t.db.query('SELECT text FROM statements ORDER BY id LIMIT 40')).map(firstValue) as string[];
  });

  /** A word of another statement that statement 8 lacks: no statement has all the words of the paste. */
  const extraWord = () => {
    const own = new Set(texts[7].toLowerCase().split(/\W+/));
    return texts[20].split(/\W+/).find((w) => w.length > 6 && !own.has(w.toLowerCase()))!;
  };

  /** SQL statements run by one request, once the word counts that steer the search are remembered. */
  const costOf = async (query: Record<string, unknown>) => {
    await t.http.get('/v1/search').query(query).expect(200);
    const sql = countSql(t.db);
    try {
      const res = await t.http.get('/v1/search').query(query).expect(200);
      return { count: sql.count, body: res.body as SearchResults, sql: [...sql.sql] };
    } finally {
      sql.restore();
    }
  };

  describe('GET /v1/search', () => {
    describe('a page of 20 hits against a page of 1', () => {
      const queries: Array<[string, () => string]> = [
        ['a frequent word (ranked by bm25)', () => 'government'],
        ['two words', () => 'government officials'],
        ['a pasted statement with a word from elsewhere (any of its words)', () => `${texts[7]} ${extraWord()}`],
        ['stop words only', () => 'the and'],
      ];
      for (const [what, q] of queries) {
        it(`runs the same number of SQL statements for ${what}`, async () => {
          const one = await costOf({ q: q(), limit: 1 });
          const twenty = await costOf({ q: q(), limit: 20 });
          assert.equal(one.body.items.length, 1, what);
          assert.equal(twenty.body.items.length, 20, `${what}: needs 20 matches`);
          assert.ok(
            twenty.body.items.every((h) => h.hops.length > 0),
            'every hit has its hop tree (each generated statement has a hop)',
          );
          assert.ok(
            twenty.body.items.some((h) => h.claims.length > 0),
            'some hit has claims',
          );
          assert.equal(twenty.count, one.count, `${what}:\n${twenty.sql.join('\n')}`);
          assert.ok(one.count <= 10, `${what}: ${one.count} statements:\n${one.sql.join('\n')}`);
        });
      }

      it('runs as many for a statement found alone as for a page of 20 found by the same strategy', async () => {
        const alone = await costOf({ q: texts[5] });
        assert.equal(alone.body.items.length, 1);
        const many = await costOf({ q: 'government officials', limit: 20 });
        assert.equal(many.body.query.strategy, alone.body.query.strategy);
        assert.equal(many.body.items.length, 20);
        assert.equal(many.count, alone.count);
      });
    });
  });

  describe('SearchService', () => {
    /**
     * The statements a search's words match, as the database's own index finds them (ascending ids): its
     * expression through FTS5 on SQLite; on PostgreSQL (the expression is FTS5's syntax) its terms, all of
     * them, as a tsquery.
     */
    const matching = async (query: SearchResults['query']) => {
      const rows =
        t.db.dialect === 'postgres'
          ? await t.db.query('SELECT id FROM statements_search WHERE words @@ ws_query(?)', [toTsquery(allOf(query.terms.map(word)))])
          : await t.db.query('SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?', [query.expression]);
      return rows.map(firstValue).sort((a, b) => Number(a) - Number(b));
    };
    /** A walk of the words' lists for the statements holding them all (the repository's `some`), per database. */
    const walk = {
      sqlite: /ORDER BY statements_fts\.rowid LIMIT/,
      postgres: /WHERE x\.words @@ ws_query\(\?\) ORDER BY x\.id DESC LIMIT \?$/,
    };

    it("reads the lists of a paste of rare words once, and finds the statements the database's own index finds holding them all", async function () {
      this.timeout(60_000); // 80 pastes, each searched three ways
      const warm = new SearchService(searchRepository(t.db), t.services.provenance);
      const pastes = texts.flatMap((text, i) => [text, `${text} ${texts[(i + 1) % texts.length].split(' ').slice(0, 4).join(' ')}`]);
      for (const q of pastes) await warm.search({ q });
      let walkedNone = 0;
      for (const q of pastes) {
        // A new service has counted no word yet: its probes read the rare words' lists. The warm one
        // counted them in an earlier search and reads their lists again, in one statement.
        const fresh = new SearchService(searchRepository(t.db), t.services.provenance);
        const sql = countSql(t.db);
        const once = await fresh.search({ q, limit: 200 });
        sql.restore();
        const again = await warm.search({ q, limit: 200 });
        const found = (r: SearchResults) => r.items.map((i) => [i.statement.id, i.relevance]);
        assert.deepEqual(found(once), found(again), q);
        if (once.query.strategy !== 'all-words') continue;
        assert.deepEqual(
          once.items.map((i) => i.statement.id).sort((a, b) => a - b),
          await matching(once.query),
          q,
        );
        assert.ok(!sql.sql.some((s) => walk[t.db.dialect].test(s)), `${q}: walked again:\n${sql.sql.join('\n')}`);
        walkedNone++;
      }
      assert.ok(walkedNone >= 20, `${walkedNone} pastes found by all their words`);
    });

    describe('a paste whose rare words an earlier search counted', () => {
      /** Probes of one word's frequency, as each database writes them. */
      const probes = (sql: string[]) => sql.filter((s) => /^SELECT count\(\*\)(::int)? AS n/.test(s)).length;
      /** Each statement's first words, searched first (so they are counted), then the whole statement. */
      const pairs = () =>
        texts.map((text) => ({ half: text.split(' ').slice(0, 12).join(' '), whole: text })).filter((p) => p.whole.split(' ').length >= 20);
      const found = (r: SearchResults) => r.items.map((i) => [i.statement.id, i.relevance, i.matchClass]);

      for (const probeCap of [2_000, 8]) {
        it(`finds what a service that counts every word finds${probeCap < 100 ? ', with words the statements share counted as common' : ''}`, async function () {
          this.timeout(60_000);
          const warm = new SearchService(searchRepository(t.db), t.services.provenance, { probeCap });
          let heldOnly = 0;
          for (const { half, whole } of pairs()) {
            await warm.search({ q: half });
            const sql = countSql(t.db);
            const once = await warm.search({ q: whole, limit: 200 });
            sql.restore();
            const cold = new SearchService(searchRepository(t.db), t.services.provenance, { probeCap });
            const counted = countSql(t.db);
            const every = await cold.search({ q: whole, limit: 200 });
            counted.restore();
            assert.deepEqual(found(once), found(every), whole);
            assert.equal(once.query.strategy, every.query.strategy, whole);
            if (once.query.strategy === 'all-words') {
              assert.deepEqual(
                once.items.map((i) => i.statement.id).sort((a, b) => a - b),
                await matching(once.query),
                `${whole}: its expression finds its matches`,
              );
            }
            if (probes(sql.sql) === 0 && probes(counted.sql) > 0) heldOnly++;
          }
          // SQLite tells the words each statement holds from its text; PostgreSQL's parser is not repeated.
          if (t.db.dialect === 'sqlite') assert.ok(heldOnly >= 10, `${heldOnly} pastes answered with no word counted`);
          else assert.equal(heldOnly, 0);
        });
      }

      it('counts a new word that only some of the statements holding the rare words hold, is narrowed by it, and judges the next words against those left', async () => {
        const speakerId = (await t.db.queryFirst<{ id: number }>('SELECT id FROM actors ORDER BY id LIMIT 1'))!.id;
        const post = async (text: string) =>
          (await t.http.post('/v1/statements').send({ speakerId, text, textForm: 'quote', kind: 'assertion' }).expect(201)).body
            .id as number;
        const a = await post('The quetzal and the margay crossed the ravine near the tamarisk grove at noon, they said.');
        const b = await post('The quetzal and the margay crossed the ravine near the tamarisk grove at dusk by the jetty, they said.');
        const warm = new SearchService(searchRepository(t.db), t.services.provenance);
        const both = await warm.search({ q: 'quetzal margay crossed ravine tamarisk grove they said' });
        assert.deepEqual(both.items.map((i) => i.statement.id).sort(), [a, b].sort());
        const sql = countSql(t.db);
        const one = await warm.search({
          q: 'the quetzal and the margay crossed the ravine near the tamarisk grove at dusk by the jetty',
          limit: 200,
        });
        sql.restore();
        assert.deepEqual(
          one.items.map((i) => i.statement.id),
          [b],
        );
        assert.ok(one.query.terms.includes('dusk'));
        // "jetty" is in every statement left once "dusk" has narrowed them to one.
        if (t.db.dialect === 'sqlite') assert.equal(probes(sql.sql), 1, `only "dusk" is counted:\n${sql.sql.join('\n')}`);
      });
    });

    it('runs a fixed number of statements for stop words only, however many statements hold them', async () => {
      // probeCap 5: every stop word counts as common in this small database, as "the" is in a large one.
      const service = new SearchService(searchRepository(t.db), t.services.provenance, { probeCap: 5 });
      const counts: number[] = [];
      for (const limit of [1, 20, 120]) {
        await service.search({ q: 'the and', limit });
        const sql = countSql(t.db);
        const page = await service.search({ q: 'the and', limit });
        sql.restore();
        assert.equal(page.items.length, limit);
        assert.equal(page.query.rankedWithin, 20, 'the newest 20 are ranked');
        counts.push(sql.count);
      }
      assert.deepEqual(counts, [counts[0], counts[0], counts[0]]);
    });
  });
});
