// The full-text indexes' upkeep: the service merges their segments after bulk writes, in bounded steps,
// and `whosaid optimize-search` merges each into one. Merging changes how the index is stored, never what
// a search answers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../bench/synthetic.js';
import { run } from '../src/cli/program.js';
import type { Db, SqliteDb } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { type SearchIndexRepository, searchIndexRepository } from '../src/search/search-index-repository.js';
import type { SearchIndex } from '../src/search/search-repository.js';
import { MERGE_SLICE_PAGES, SearchIndexService } from '../src/search/search-index-service.js';
import { story } from './helpers/story-bundle.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { migratedPostgresDatabase, testDialect } from './helpers/test-db.js';
import { assertIndexesExact } from './helpers/search-index.js';

const INDEXES = ['statements_fts', 'statements_fts_trigram'];

/** Segments of each index; FTS5 left to merge nothing by itself, so each write transaction adds one. */
async function segments(db: Db): Promise<number[]> {
  const repo = searchIndexRepository(db);
  return [(await repo.segments('words'))!.length, (await repo.segments('fragments'))!.length];
}
async function noAutomerge(db: Db): Promise<void> {
  for (const t of INDEXES) await db.execute(`INSERT INTO ${t}(${t}, rank) VALUES ('automerge', 0)`);
}
/** Statements written one transaction each: one new segment per index each. */
async function writeApart(t: TestApp, n: number, from = 0, speakerId = 1): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await t.http
      .post('/v1/statements')
      .send({
        speakerId,
        text: `Statement ${i} about the harbour at Makhachkala and ${i % 3 ? 'weapons' : 'grain'}`,
        textForm: 'quote',
        kind: 'assertion',
      })
      .expect(201);
  }
}
const QUERIES = ['harbour', 'weapons from Makhachkala', 'Makhach', 'about the', 'Statement 7 about the harbour', 'grain OR weapons'];
/** `whosaid --db <db> optimize-search`, with the lines it prints. */
async function optimizeSearch(db: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    return { code: await run(['node', 'whosaid', '--db', db, 'optimize-search']), lines };
  } finally {
    console.log = log;
  }
}

async function answers(t: TestApp): Promise<unknown[]> {
  const out = [];
  for (const q of QUERIES) out.push((await t.http.get('/v1/search').query({ q, limit: 200 }).expect(200)).body);
  return out;
}

(testDialect === 'sqlite' ? describe : describe.skip)('search index upkeep', () => {
  let t: TestApp;
  let service: SearchIndexService;
  beforeEach(async () => {
    t = await makeTestApp();
    service = t.services.searchIndex;
    await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'A. Speaker' }).expect(201);
    await noAutomerge(t.db);
  });

  describe('the migration', () => {
    it('lets a merge command merge two segments of a level (usermerge 2), and leaves merging during writes as it was', async () => {
      const db = await openMigrated(':memory:');
      try {
        for (const x of INDEXES) {
          const config = await db.query<{ k: string; v: number }>(`SELECT k, v FROM ${x}_config WHERE k <> 'version' ORDER BY k`);
          assert.deepEqual(config, [{ k: 'usermerge', v: 2 }]);
        }
      } finally {
        await db.close();
      }
    });
  });

  describe('tidy', () => {
    it('merges the segments many small writes left into one, and every search answers as before', async () => {
      await writeApart(t, 12);
      const before = await segments(t.db);
      assert.ok(before[0] >= 12 && before[1] >= 12, `one segment per write: ${before}`);
      const answered = await answers(t);
      const r = await service.tidy(Number.POSITIVE_INFINITY);
      assert.equal(r.done, true);
      assert.ok(r.slices > 0);
      assert.deepEqual(await segments(t.db), [1, 1]);
      assert.deepEqual(await answers(t), answered);
      await assertIndexesExact(t.db);
    });

    it('stops at its page budget and says work is left; the next tidy carries on', async () => {
      await writeApart(t, 12);
      assert.deepEqual(await service.tidy(MERGE_SLICE_PAGES), { slices: 1, done: false });
      let runs = 1;
      while (!(await service.tidy(MERGE_SLICE_PAGES)).done) runs++;
      assert.ok(runs < 20);
      assert.deepEqual(await segments(t.db), [1, 1]);
      await assertIndexesExact(t.db);
    });

    it('merges every level together only when the largest segment is less than 3/4 of the index', async () => {
      // The decision alone, on segment sizes given: FTS5 decides what a merge command then does.
      const calls: string[] = [];
      const sizes: Record<SearchIndex, number[]> = { words: [900, 60, 40], fragments: [500, 400, 100] };
      const left: Record<SearchIndex, number> = { words: 1, fragments: 1 };
      const repo: SearchIndexRepository = {
        segments: async (index) => sizes[index],
        merge: async (index, pages, whole) => {
          calls.push(`${index} ${pages} ${whole ? 'whole' : 'levels'}`);
          return left[index]-- > 0;
        },
        optimize: async () => {},
      };
      assert.deepEqual(await new SearchIndexService(repo).tidy(), { slices: 2, done: true });
      assert.deepEqual(calls, ['words 200 levels', 'words 200 levels', 'fragments 200 whole', 'fragments 200 whole']);
    });

    it('finds nothing to do on a tidy index', async () => {
      await writeApart(t, 3);
      await service.tidy(Number.POSITIVE_INFINITY);
      assert.deepEqual(await service.tidy(), { slices: 0, done: true });
    });
  });

  describe('POST /v1/bundles', () => {
    it('tidies the indexes after answering, with no operator action', async () => {
      for (let i = 0; i < 8; i++)
        await t.http
          .post('/v1/bundles')
          .send(story(`tidy.${i}`))
          .expect(201);
      // In memory the tidy runs on this thread as soon as the answer is sent; with a file, as worker jobs.
      const [words, fragments] = await segments(t.db);
      assert.ok(words <= 2 && fragments <= 2, `segments after 8 bundles: ${words}, ${fragments}`);
      await assertIndexesExact(t.db);
    });
  });

  describe('generated databases', () => {
    it('are left as the service leaves its indexes after a bulk write: nothing more to merge', async () => {
      const db = (await openMigrated(':memory:')) as SqliteDb;
      try {
        await generate(db, { statements: 300 });
        const tidy = new SearchIndexService(searchIndexRepository(db));
        assert.deepEqual(await tidy.tidy(), { slices: 0, done: true });
        assert.deepEqual(await segments(db), [1, 1]);
      } finally {
        await db.close();
      }
    });
  });

  describe('whosaid optimize-search', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'whosaid-optimize-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('merges each index into one segment and says how many there were', async () => {
      const file = path.join(dir, 'w.db');
      const db = (await openMigrated(file)) as SqliteDb;
      await generate(db, { statements: 50 });
      await noAutomerge(db);
      // Three edits, each its own transaction: three more segments in each index.
      for (const id of [1, 2, 3])
        await db.withoutHistory(() => db.execute(`UPDATE statements SET text = text || ' (edited)' WHERE id = ?`, [id]));
      assert.deepEqual(await segments(db), [4, 4]);
      await db.close();
      const { code, lines } = await optimizeSearch(file);
      assert.equal(code, 0);
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^words index: 4 → 1 segments in \d+\.\d s$/);
      assert.match(lines[1], /^fragments index: 4 → 1 segments in \d+\.\d s$/);
    });

    it('refuses a file that is not there, writing nothing', async () => {
      const missing = path.join(dir, 'missing.db');
      const err: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((s: string) => err.push(s) > 0) as unknown as typeof process.stderr.write;
      let code: number;
      try {
        code = await run(['node', 'whosaid', '--db', missing, 'optimize-search']);
      } finally {
        process.stderr.write = write;
      }
      assert.notEqual(code, 0);
      assert.match(err.join(''), /no database there/);
    });
  });
});

// PostgreSQL's GIN indexes fold their pending entries in by themselves: the same write paths run the same
// upkeep call, which must find nothing to do there and change nothing a search answers.
(testDialect === 'postgres' ? describe : describe.skip)('search index upkeep on PostgreSQL', () => {
  describe('tidy and optimize', () => {
    it('find nothing to do, and every search answers as before', async () => {
      const t = await makeTestApp();
      await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'A. Speaker' }).expect(201);
      await writeApart(t, 12);
      const before = await answers(t);
      assert.deepEqual(await t.services.searchIndex.tidy(Number.POSITIVE_INFINITY), { slices: 0, done: true });
      const optimized = await t.services.searchIndex.optimize();
      assert.deepEqual(
        optimized.map((r) => [r.index, r.segmentsBefore, r.segmentsAfter]),
        [
          ['words', null, null],
          ['fragments', null, null],
        ],
      );
      assert.deepEqual(await answers(t), before);
    });
  });

  describe('whosaid optimize-search', () => {
    it('says there is nothing to do on a PostgreSQL database, and succeeds', async () => {
      const url = await migratedPostgresDatabase();
      const { code, lines } = await optimizeSearch(url);
      assert.equal(code, 0);
      assert.deepEqual(lines, ['PostgreSQL keeps its own search indexes (autovacuum): nothing to do']);
    });
  });
});
