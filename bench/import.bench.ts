// npm run bench -- --only=import [--import-statements=1000] [--import-rounds=15] [--import-warmup=6]
//
// Importing one bundle of 1,000 statements (with their speakers, outlets, documents, hops, claims and
// links) the way POST /v1/bundles does it, in-process: the bundles.apply job on the request's bytes
// (parse, validate, apply in one transaction as the caller, serialise the answer). Target: ≥ 0.6× the
// rows/s of the baseline, measured in the same run:
//   raw, with triggers     the same rows (same ids, same order) through raw prepared better-sqlite3 INSERTs
//                          in one transaction, into a database with the same schema and every trigger
//                          (history, Merkle log, FTS);
//   raw, without history   the same, with the history triggers dropped (FTS triggers kept): what the
//                          history costs.
// "Rows" are the records written: one change record each. The service also writes its bundle keys (the
// bookkeeping that makes a second post idempotent); the raw baselines do not, so they are not handicapped.
// Each measurement gets a fresh copy of one migrated database; the three are interleaved round by round
// and medians reported, after warm-up rounds. Every connection, service and raw alike, is opened as the
// service opens SQLite (openDatabase, src/db/sqlite-settings.ts), and checked.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { openDatabase, type SqliteDb } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { assertServiceSettings } from '../src/db/sqlite-settings.js';
import { OPERATOR } from '../src/access/field-permissions.js';
import { createLogger } from '../src/logging/logger.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';
import { JOBS } from '../src/workers/jobs.js';
import { createRng, type Rng } from './synthetic.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const WORDS =
  'the minister said officials warned that an attack on the ministry was reported by sources close to security services who claimed investigators denied evidence the agency later confirmed in a statement police'.split(
    ' ',
  );
const sentence = (r: Rng, words: number) =>
  Array.from({ length: words }, () => pick(r, WORDS))
    .join(' ')
    .replace(/^./, (c) => c.toUpperCase());

/** A newsroom's bulk import: every kind of keyed item the bundle format has, except tags (bench: tags). */
export function importBundle(statements: number, seed = 7): Record<string, unknown> {
  const r = createRng(seed);
  const outlets = 20;
  const named = Math.max(20, Math.round(statements / 6));
  const anonymous = Math.max(5, Math.round(statements / 40));
  const documents = Math.max(10, Math.round(statements / 10));
  const claims = Math.max(5, Math.round(statements / 20));
  const actors = [
    ...Array.from({ length: outlets }, (_, i) => ({ key: `o${i}`, kind: 'outlet', identityStatus: 'named', name: `Outlet ${i}` })),
    ...Array.from({ length: named }, (_, i) => ({
      key: `p${i}`,
      kind: 'person',
      identityStatus: 'named',
      name: `Person ${i}`,
      ...(i % 3 === 0 ? { affiliation: 'the interior ministry' } : {}),
    })),
    ...Array.from({ length: anonymous }, (_, i) => ({
      key: `a${i}`,
      kind: 'person',
      identityStatus: 'anonymous',
      description: 'a senior security official',
      anonymityReason: 'was not authorized to speak publicly',
    })),
  ];
  const speakers = actors.filter((a) => a.kind === 'person').map((a) => a.key);
  const bundle = {
    namespace: 'bench.import',
    actors,
    documents: Array.from({ length: documents }, (_, i) => ({
      key: `d${i}`,
      outlet: `o${i % outlets}`,
      title: sentence(r, 8),
      url: `https://news.example/${i}`,
      publishedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    })),
    statements: Array.from({ length: statements }, (_, i) => ({
      key: `s${i}`,
      speaker: pick(r, speakers),
      text: `${sentence(r, 12 + Math.floor(r() * 30))}.`,
      textForm: r() < 0.7 ? 'quote' : 'paraphrase',
      kind: pick(r, ['assertion', 'assertion', 'denial', 'warning', 'confirmation']),
      saidOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}`,
      ...(r() < 0.2 ? { medium: 'interview', circumstances: ['in_custody'] } : {}),
    })),
    relays: [] as object[],
    claims: Array.from({ length: claims }, (_, i) => ({ key: `c${i}`, text: `Claim ${i}: ${sentence(r, 10)}` })),
    links: [] as object[],
  };
  for (let i = 0; i < statements; i++) {
    bundle.relays.push({
      key: `r${i}`,
      statement: `s${i}`,
      relayedBy: `o${i % outlets}`,
      document: `d${i % documents}`,
      mode: 'verbatim',
      cue: 'said',
    });
    // Two in five statements reach a second outlet through the first one's report.
    if (r() < 0.4)
      bundle.relays.push({
        key: `r${i}b`,
        statement: `s${i}`,
        relayedBy: `o${(i + 7) % outlets}`,
        document: `d${(i + 3) % documents}`,
        via: `r${i}`,
        mode: 'paraphrase',
        hedge: 'reported',
      });
    if (r() < 0.3) bundle.links.push({ statement: `s${i}`, claim: `c${i % claims}`, stance: r() < 0.8 ? 'supports' : 'disputes' });
  }
  return bundle;
}

const TABLES: Record<string, string> = {
  actor: 'actors',
  document: 'documents',
  statement: 'statements',
  relay: 'relays',
  claim: 'claims',
  'claim-link': 'statement_claims',
};

/** One raw INSERT: a table and its row's values in column order. */
interface RawRow {
  table: string;
  values: unknown[];
}

/** The rows an import wrote, in the order the history recorded them (which is the order they were written). */
function rowsWritten(db: SqliteDb): RawRow[] {
  const changes = db.sqlite.prepare('SELECT action, record_type AS type, record_id AS id FROM changes ORDER BY seq').all() as Array<{
    action: string;
    type: string;
    id: string;
  }>;
  return changes.map((c) => {
    if (c.action !== 'insert') throw new Error(`the import bench expects inserts only, got ${c.action} of ${c.type} ${c.id}`);
    const table = TABLES[c.type];
    const where = table === 'statement_claims' ? 'claim_id = ? AND statement_id = ?' : 'id = ?';
    const row = db.sqlite
      .prepare(`SELECT * FROM ${table} WHERE ${where}`)
      .raw()
      .get(...c.id.split(':')) as unknown[];
    return { table, values: row };
  });
}

/** Raw prepared INSERTs of `rows` in one transaction: the floor a bulk import could reach. */
function rawInsert(db: SqliteDb, rows: RawRow[]): void {
  const stmts = new Map<string, ReturnType<SqliteDb['sqlite']['prepare']>>();
  for (const table of new Set(rows.map((r) => r.table))) {
    const cols = db.sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    stmts.set(
      table,
      db.sqlite.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`),
    );
  }
  db.sqlite.transaction(() => {
    for (const r of rows) stmts.get(r.table)!.run(r.values);
  })();
}

const dropHistoryTriggers = (db: SqliteDb) => {
  for (const name of db.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history\\_%' ESCAPE '\\'`)
    .pluck()
    .all() as string[])
    db.sqlite.exec(`DROP TRIGGER "${name}"`);
};

/** What differs between two databases' records (timestamps aside): the raw rows must be the service's. */
function sameRecords(a: SqliteDb, b: SqliteDb): void {
  for (const table of Object.values(TABLES)) {
    const q = `SELECT * FROM ${table} ORDER BY 1, 2`;
    const strip = (rows: Array<Record<string, unknown>>) => JSON.stringify(rows.map(({ created_at: _c, updated_at: _u, ...rest }) => rest));
    if (strip(a.sqlite.prepare(q).all() as never) !== strip(b.sqlite.prepare(q).all() as never))
      throw new Error(`the raw baseline did not write the service's ${table}`);
  }
}

export async function run(args: Record<string, string>): Promise<void> {
  const n = Number(args['import-statements'] ?? 1000);
  const rounds = Number(args['import-rounds'] ?? 15);
  const warmup = Number(args['import-warmup'] ?? 6);
  const bundle = importBundle(n);
  const body = new TextEncoder().encode(JSON.stringify(bundle));

  // One migrated database, copied fresh for every measurement.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whosaid-bench-import-'));
  const template = path.join(dir, 'template.db');
  const migrated = await openMigrated(template);
  migrated.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await migrated.close();
  let copies = 0;
  const fresh = (what: string): SqliteDb => {
    const file = path.join(dir, `run-${copies++}.db`);
    copyFileSync(template, file);
    // openDatabase is how the service opens SQLite (src/db/sqlite-settings.ts): the raw baselines get the
    // same connection settings, and the same registered functions, which the history triggers call.
    const db = openDatabase(file);
    assertServiceSettings(db.sqlite, `the import benchmark's ${what} connection`);
    return db;
  };
  const discard = async (db: SqliteDb) => {
    const file = db.sqlite.name;
    await db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  };

  const registry = createSchemaRegistry();
  const logger = createLogger({ level: 'silent' });
  let result = { created: 0, json: '' };
  const service = async (db: SqliteDb) => {
    const { services } = createApp({ db, registry, logger });
    const ctx = { db, services: () => services, registry: () => registry };
    const t0 = performance.now();
    result = await JOBS['bundles.apply'].run(ctx, { body, viewer: OPERATOR });
    return performance.now() - t0;
  };

  // The rows the service writes, captured once, for the raw baselines to write the same.
  const probe = fresh('service');
  await service(probe);
  const rows = rowsWritten(probe);
  const check = fresh('raw');
  rawInsert(check, rows);
  sameRecords(probe, check);
  await discard(check);

  const raw = (db: SqliteDb, withHistory: boolean) => {
    if (!withHistory) dropHistoryTriggers(db);
    const t0 = performance.now();
    rawInsert(db, rows);
    return performance.now() - t0;
  };
  const times = { service: [] as number[], raw: [] as number[], bare: [] as number[] };
  const measure = async (what: string, fn: (db: SqliteDb) => number | Promise<number>) => {
    const db = fresh(what);
    try {
      return await fn(db);
    } finally {
      await discard(db);
    }
  };
  // Warm-up rounds, not counted: the first imports compile the validators, and V8 takes several to
  // optimise the service's code (a server imports warm); measured: the first ~5 imports run 1.5–3× slower.
  for (let i = 0; i < warmup; i++) {
    await measure('service', service);
    await measure('raw', (db) => raw(db, true));
  }
  for (let i = 0; i < rounds; i++) {
    times.service.push(await measure('service', service));
    times.raw.push(await measure('raw', (db) => raw(db, true)));
    times.bare.push(await measure('raw', (db) => raw(db, false)));
  }
  await discard(probe);
  rmSync(dir, { recursive: true, force: true });

  const count = (t: string) => rows.filter((r) => r.table === t).length;
  const rate = (ms: number) => Math.round((rows.length / ms) * 1000).toLocaleString('en');
  const [s, w, b] = [median(times.service), median(times.raw), median(times.bare)];
  console.log(
    `bundle of ${n.toLocaleString('en')} statements, ${(body.length / 1024).toFixed(0)} KiB: ${rows.length.toLocaleString('en')} rows (${count('actors')} actors, ${count('documents')} documents, ${count('statements')} statements, ${count('relays')} relays, ${count('claims')} claims, ${count('statement_claims')} links); ${result.created} created; median of ${rounds} interleaved rounds after ${warmup} warm-up rounds\n`,
  );
  console.log('| import | median ms | rows/s | service ÷ this (rows/s) |');
  console.log('|---|---:|---:|---:|');
  console.log(`| service: bundles.apply job (parse, validate, apply, answer) | ${s.toFixed(1)} | ${rate(s)} | |`);
  console.log(`| raw prepared INSERTs, same schema, every trigger | ${w.toFixed(1)} | ${rate(w)} | ${(w / s).toFixed(2)}× |`);
  console.log(`| raw prepared INSERTs, history triggers dropped | ${b.toFixed(1)} | ${rate(b)} | ${(b / s).toFixed(2)}× |`);
  console.log(
    `\nservice vs raw with the same triggers: ${(w / s).toFixed(2)}× — target ≥ 0.6×: ${w / s >= 0.6 ? 'met' : 'MISSED'}; the history triggers are ${(((w - b) / w) * 100).toFixed(0)}% of the raw time.`,
  );
}
