// npm run bench -- --only=audits [--audit-size=1000000] [--audit-runs=30] [--audit-skip-capped]
//
// 1. Audit of one document with 500 tagged statements (target ≤ 100 ms), against a baseline measured in
//    the same run: reading the same statements and their hop chains with one raw query each.
// 2. GET /v1/audits over --audit-size statements (default 1M): completes, streams (time to first byte,
//    bytes), peak RSS ≤ 500 MB. Run in a child process (bench/audits-stream.ts) so its peak RSS is its own;
//    baseline: one raw pass over the same statement and hop rows.
// Data: raw prepared inserts into a database under /tmp (FTS triggers dropped, history off); the big
// database is kept and reused while its generator version matches.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqliteDb } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { assertServiceSettings } from '../src/db/sqlite-settings.js';
import { createApp } from '../src/app.js';
import { createRng as rng } from './synthetic.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';
import { ProvenanceRepository } from '../src/provenance/provenance-repository.js';

const GENERATOR_VERSION = 'audits-1';
const NOW = '2026-11-27T00:00:00.000Z';

const CUES = [
  'said',
  'told reporters',
  'said in a statement',
  'according to a report',
  'officials said',
  'three sources said',
  'a source said',
];
const HEDGES = ['said', 'said', 'said', 'reported', 'claimed', 'alleged', 'stated_as_fact'];
const KINDS = ['assertion', 'assertion', 'assertion', 'denial', 'warning', 'accusation', 'confirmation', 'opinion', 'no_comment'];
const DESCRIPTIONS = [
  'a senior official',
  'a source',
  'one said',
  'a diplomat familiar with the talks',
  'a person close to the matter',
  'an aide',
];
const REASONS = [
  null,
  'requested anonymity',
  'was not authorized to speak publicly',
  'feared reprisals from the militia that controls the town',
];

/** What bench/audits-stream.ts reports of one streamed request. */
interface StreamRun {
  totalMs: number;
  ttfbMs: number;
  maxRssKb: number;
  rssBeforeMb: number;
  completed: boolean;
  bytes: number;
  statements: number | null;
  findings: number | null;
  digestOk: boolean;
  baselineMs: number;
  baselineRows: number;
  relays: number;
  claims: number;
  tags: number;
}

export interface Generated {
  statements: number;
  relays: number;
  documents: number;
  actors: number;
  claims: number;
  tags: number;
}

/** Inserts a synthetic corpus: N statements with 1–3 hop chains, claims, tags on 5% of statements. */
/** Synthetic rows are not edits anyone made: they are written without history. */
export function generate(db: SqliteDb, n: number, seed = 7): Promise<Generated> {
  return db.withoutHistory(async () => generateRows(db, n, seed));
}

function generateRows(db: SqliteDb, n: number, seed: number): Generated {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  for (const name of db.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'statements_fts_%'`)
    .pluck()
    .all() as string[]) {
    db.sqlite.exec(`DROP TRIGGER ${name}`);
  }
  const tx = (fn: () => void) => db.sqlite.transaction(fn)();

  const outlets = Math.max(5, Math.round(n / 2000));
  const people = Math.max(20, Math.round(n / 50));
  const insActor =
    db.sqlite.prepare(`INSERT INTO actors (kind, identity_status, name, description, affiliation, anonymity_reason, acts_for_id, attestation, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, '${NOW}', '${NOW}')`);
  tx(() => {
    for (let i = 1; i <= outlets; i++) insActor.run('outlet', 'named', `Outlet ${i}`, null, null, null, null, null);
    for (let i = 1; i <= people; i++) {
      const x = r();
      if (x < 0.25)
        insActor.run(
          'person',
          'anonymous',
          null,
          pick(DESCRIPTIONS),
          r() < 0.4 ? 'the interior ministry' : null,
          pick(REASONS),
          null,
          r() < 0.5 ? '{"by":"desk"}' : null,
        );
      else if (x < 0.35) insActor.run('person', 'unidentified', null, 'a detained man', null, null, null, null);
      else
        insActor.run(
          r() < 0.8 ? 'person' : 'organisation',
          'named',
          `Person ${i}`,
          null,
          null,
          null,
          r() < 0.1 ? int(outlets + 1, outlets + i) : null,
          null,
        );
    }
  });
  const actorCount = outlets + people;
  const outlet = () => int(1, outlets);
  const person = () => int(outlets + 1, actorCount);

  const documents = Math.max(10, Math.round(n / 10));
  const insDoc = db.sqlite.prepare(
    `INSERT INTO documents (outlet_id, title, published_on, created_at, updated_at) VALUES (?, ?, ?, '${NOW}', '${NOW}')`,
  );
  tx(() => {
    for (let i = 1; i <= documents; i++)
      insDoc.run(outlet(), `Report ${i}`, `2024-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`);
  });

  const insStatement =
    db.sqlite.prepare(`INSERT INTO statements (speaker_id, text, text_form, kind, said_on, said_from, said_to, medium, medium_publisher_id, circumstances, language, created_at, updated_at)
    VALUES (?, ?, 'quote', ?, '2024', '2024-01-01', '2024-12-31', 'interview', ?, ?, 'en', '${NOW}', '${NOW}')`);
  const insRelay =
    db.sqlite.prepare(`INSERT INTO relays (statement_id, via_relay_id, relayed_by_id, document_id, first_hand, mode, cue, hedge, relayed_on, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2024', '${NOW}', '${NOW}')`);
  const insLink = db.sqlite.prepare(
    `INSERT OR IGNORE INTO statement_claims (statement_id, claim_id, stance, created_at) VALUES (?, ?, ?, '${NOW}')`,
  );
  const claims = Math.max(5, Math.round(n / 100));
  const insClaim = db.sqlite.prepare(`INSERT INTO claims (text, verdict, created_at, updated_at) VALUES (?, NULL, '${NOW}', '${NOW}')`);
  tx(() => {
    for (let i = 1; i <= claims; i++) insClaim.run(`Claim ${i}`);
  });

  const tagInsert = tagInserter(db);
  let relays = 0;
  let tags = 0;
  const BATCH = 50_000;
  for (let start = 1; start <= n; start += BATCH) {
    tx(() => {
      for (let s = start; s < Math.min(n + 1, start + BATCH); s++) {
        const circumstances = r() < 0.03 ? '["in_custody"]' : r() < 0.02 ? '["own_channel"]' : '[]';
        const sid = Number(
          insStatement.run(
            person(),
            `Statement ${s}: words said about the matter at hand.`,
            pick(KINDS),
            r() < 0.05 ? outlet() : null,
            circumstances,
          ).lastInsertRowid,
        );
        const depth = r() < 0.5 ? 1 : r() < 0.7 ? 2 : 3;
        let via: number | null = null;
        let doc = 0;
        for (let d = 1; d <= depth; d++) {
          doc = int(1, documents);
          const byPerson = d === 1 && depth > 1 && r() < 0.1;
          via = Number(
            insRelay.run(
              sid,
              via,
              byPerson ? person() : outlet(),
              byPerson ? null : doc,
              d === 1 && r() < 0.85 ? 1 : 0,
              r() < 0.6 ? 'verbatim' : 'paraphrase',
              r() < 0.08 ? null : pick(CUES),
              pick(HEDGES),
            ).lastInsertRowid,
          );
          relays++;
        }
        if (r() < 0.15) insLink.run(sid, int(1, claims), r() < 0.85 ? 'supports' : 'disputes');
        if (r() < 0.05 && via !== null) {
          tagInsert(doc, sid, via, r() < 0.1);
          tags++;
        }
      }
    });
  }
  db.sqlite.exec('ANALYZE');
  return { statements: n, relays, documents, actors: actorCount, claims, tags };
}

/** Inserts a tag row, whatever columns the tags table has grown (required ones get a plausible value). */
function tagInserter(db: SqliteDb): (doc: number, statement: number, relay: number, orphaned: boolean) => void {
  const cols = db.sqlite.prepare(`SELECT name, type, "notnull" AS nn, dflt_value AS dflt FROM pragma_table_info('tags')`).all() as Array<{
    name: string;
    type: string;
    nn: number;
    dflt: unknown;
  }>;
  if (cols.length === 0) return () => {};
  const known = ['document_id', 'statement_id', 'relay_id', 'start', 'end', 'exact', 'quote', 'status', 'score'];
  const extra = cols.filter((c) => !known.includes(c.name) && c.name !== 'id' && c.nn && c.dflt === null);
  const names = [...known, ...extra.map((c) => c.name)].filter((n) => cols.some((c) => c.name === n));
  const stmt = db.sqlite.prepare(`INSERT INTO tags (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  return (doc, statement, relay, orphaned) => {
    const row: Record<string, unknown> = {
      document_id: doc,
      statement_id: statement,
      relay_id: relay,
      start: orphaned ? null : 100,
      end: orphaned ? null : 140,
      exact: 'words said about the matter at hand',
      quote: 'words said about the matter at hand',
      status: orphaned ? 'orphaned' : 'anchored',
      score: orphaned ? 0 : 1,
    };
    for (const c of extra) row[c.name] = /INT/i.test(c.type) ? 0 : /REAL/i.test(c.type) ? 1 : NOW;
    stmt.run(...names.map((n) => row[n]));
  };
}

/** One document with `count` tagged statements, each relayed through an agency report first. */
function addTaggedDocument(db: SqliteDb, count: number): number {
  const r = rng(99);
  const outletId = 1;
  const agencyDoc = Number(
    db.sqlite
      .prepare(
        `INSERT INTO documents (outlet_id, title, published_on, created_at, updated_at) VALUES (2, 'Agency wire', '2024-04-01', '${NOW}', '${NOW}')`,
      )
      .run().lastInsertRowid,
  );
  const quotes = Array.from({ length: count }, (_, i) => `Quote number ${i} from the speaker, said plainly.`);
  const body = quotes.map((q, i) => `Paragraph ${i}. “${q}” The story goes on.`).join('\n');
  const docId = Number(
    db.sqlite
      .prepare(
        `INSERT INTO documents (outlet_id, title, published_on, body, created_at, updated_at) VALUES (?, 'Tagged story', '2024-04-02', ?, '${NOW}', '${NOW}')`,
      )
      .run(outletId, body).lastInsertRowid,
  );
  const speakers = db.sqlite.prepare(`SELECT id FROM actors WHERE kind <> 'outlet' ORDER BY id LIMIT 200`).pluck().all() as number[];
  const claimIds = db.sqlite.prepare('SELECT id FROM claims ORDER BY id LIMIT 25').pluck().all() as number[];
  const insStatement = db.sqlite.prepare(
    `INSERT INTO statements (speaker_id, text, text_form, kind, circumstances, created_at, updated_at) VALUES (?, ?, 'quote', ?, ?, '${NOW}', '${NOW}')`,
  );
  const insRelay = db.sqlite.prepare(
    `INSERT INTO relays (statement_id, via_relay_id, relayed_by_id, document_id, first_hand, mode, cue, hedge, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'verbatim', ?, ?, '${NOW}', '${NOW}')`,
  );
  const insLink = db.sqlite.prepare(
    `INSERT OR IGNORE INTO statement_claims (statement_id, claim_id, stance, created_at) VALUES (?, ?, 'supports', '${NOW}')`,
  );
  const tag = tagInserter(db);
  let offset = 0;
  const starts = quotes.map((q, i) => {
    const para = `Paragraph ${i}. “`;
    const s = offset + [...para].length;
    offset += [...`Paragraph ${i}. “${q}” The story goes on.`].length + 1;
    return s;
  });
  db.sqlite.transaction(() => {
    quotes.forEach((q, i) => {
      const sid = Number(
        insStatement.run(speakers[i % speakers.length], q, r() < 0.05 ? 'opinion' : 'assertion', r() < 0.05 ? '["in_custody"]' : '[]')
          .lastInsertRowid,
      );
      const up = Number(insRelay.run(sid, null, 2, agencyDoc, 1, 'sources said', 'said').lastInsertRowid);
      const hop = Number(
        insRelay.run(sid, up, outletId, docId, 0, r() < 0.1 ? null : 'the agency reported', r() < 0.05 ? 'stated_as_fact' : 'said')
          .lastInsertRowid,
      );
      if (i < claimIds.length * 4) insLink.run(sid, claimIds[i % claimIds.length]);
      tag(docId, sid, hop, false);
      const t = db.sqlite.prepare('SELECT max(id) FROM tags').pluck().get() as number;
      db.sqlite.prepare('UPDATE tags SET "start" = ?, "end" = ? WHERE id = ?').run(starts[i], starts[i] + [...q].length, t);
    });
  })();
  return docId;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
};
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

async function documentAudit(runs: number): Promise<void> {
  const file = `/tmp/whosaid-bench-audit-doc.db`;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const db = await openMigrated(file);
  assertServiceSettings(db.sqlite, 'the document audit benchmark connection');
  await generate(db, 20_000, 11);
  const docId = await db.withoutHistory(async () => addTaggedDocument(db, 500));
  const { services } = createApp({ db, registry: createSchemaRegistry() });
  const statementIds = db.sqlite.prepare('SELECT DISTINCT statement_id FROM relays WHERE document_id = ?').pluck().all(docId) as number[];
  const provenance = new ProvenanceRepository(db);
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const times = async (fn: () => Promise<unknown>) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push(await time(fn));
    return out;
  };
  const baseline = async () => {
    db.sqlite.prepare('SELECT * FROM statements WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(statementIds));
    await provenance.hops(statementIds);
  };
  let findings = 0;
  const audit = async () => {
    const report = await services.audits.documentReport(docId);
    findings = report.findings.length;
    return JSON.stringify(report);
  };
  for (let i = 0; i < 3; i++) {
    await baseline();
    await audit();
  }
  const b = stats(await times(baseline));
  const a = stats(await times(audit));
  const spans = (await services.audits.documentReport(docId)).findings.reduce((n, f) => n + f.spans.length, 0);
  console.log(`\n### Audit of one document: 500 tagged statements (20k-statement database), ${runs} runs\n`);
  console.log('| what | median ms | p95 ms | × baseline (median) | target |');
  console.log('|---|---:|---:|---:|---|');
  console.log(
    `| baseline: read the 500 statements + their hop chains (raw SQL + recursive CTE) | ${ms(b.median)} | ${ms(b.p95)} | 1.0 | |`,
  );
  console.log(
    `| audit report (load, 14 rules, summary, JCS digest, JSON) | ${ms(a.median)} | ${ms(a.p95)} | ${(a.median / b.median).toFixed(1)} | ≤ 100 ms: ${a.p95 <= 100 ? 'met' : 'MISSED'} (p95) |`,
  );
  console.log(`\n${findings} findings, ${spans} text spans.`);
  await db.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

async function streamedAudit(size: number, skipCapped: boolean): Promise<void> {
  const file = `/tmp/whosaid-bench-audits-${size}.db`;
  let fresh = false;
  let generated = 0;
  if (existsSync(file)) {
    const db = await openMigrated(file);
    const ok =
      (db.sqlite.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'bench_meta'`).pluck().get() as number) === 1 &&
      db.sqlite.prepare('SELECT value FROM bench_meta').pluck().get() === GENERATOR_VERSION;
    await db.close();
    if (!ok) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
  if (!existsSync(file)) {
    const t0 = Date.now();
    const db = await openMigrated(file);
    const g = await generate(db, size);
    db.sqlite.exec(`CREATE TABLE bench_meta (value TEXT); INSERT INTO bench_meta VALUES ('${GENERATOR_VERSION}')`);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await db.close();
    generated = Date.now() - t0;
    fresh = true;
    console.log(`\ngenerated ${JSON.stringify(g)} in ${(generated / 1000).toFixed(1)} s`);
  }
  const child = fileURLToPath(new URL('./audits-stream.ts', import.meta.url));
  const serve = (heapMb?: number) => {
    const flags = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
    const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', child, file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as StreamRun;
  };
  const r = serve();
  // The same request with V8's old space capped at 64 MB: if the report's memory grew with the database,
  // this run would die of it.
  const capped = skipCapped ? null : serve(64);
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  console.log(
    `\n### GET /v1/audits over ${size.toLocaleString('en')} statements (${r.relays.toLocaleString('en')} hops, ${r.claims.toLocaleString('en')} claims, ${r.tags.toLocaleString('en')} tags)${fresh ? '' : ' — database reused'}\n`,
  );
  console.log('| what | time s | × baseline | first byte ms | peak RSS MB | notes |');
  console.log('|---|---:|---:|---:|---:|---|');
  console.log(
    `| baseline: one raw pass over every statement and hop row | ${(r.baselineMs / 1000).toFixed(1)} | 1.0 | | | ${r.baselineRows.toLocaleString('en')} rows |`,
  );
  const row = (label: string, x: StreamRun) =>
    console.log(
      `| ${label} | ${(x.totalMs / 1000).toFixed(1)} | ${(x.totalMs / r.baselineMs).toFixed(1)} | ${x.ttfbMs.toFixed(0)} | ${mb(x.maxRssKb)} | ${x.completed ? 'completed' : 'NOT COMPLETED'}; ${(x.bytes / 2 ** 20).toFixed(0)} MiB; ${x.statements?.toLocaleString('en')} statements, ${x.findings?.toLocaleString('en')} findings; summary and digest ${x.digestOk ? 'at the end' : 'MISSING'} |`,
    );
  row('GET /v1/audits, streamed to an HTTP client', r);
  if (capped) row('the same, V8 heap (old space) capped at 64 MB', capped);
  console.log(
    `\npeak RSS of the serving process (its own process, client included): ${mb(r.maxRssKb)} MB — target ≤ 500 MB: ${r.maxRssKb / 1024 <= 500 && r.completed ? 'met' : 'MISSED'}; RSS before the request ${r.rssBeforeMb.toFixed(0)} MB.`,
  );
}

export async function run(args: Record<string, string>): Promise<void> {
  const size = Number(args['audit-size'] ?? 1_000_000);
  const runs = Number(args['audit-runs'] ?? 30);
  await documentAudit(runs);
  if (args['audit-skip-stream'] !== 'true') await streamedAudit(size, args['audit-skip-capped'] === 'true');
}
