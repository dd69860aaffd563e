import { firstValue } from '../helpers/rows.js';
import type { SqliteDb } from '../../src/db/database.js';
// npm run test:crash [-- --n 50] [--writers 4] [--seed S] [--sabotage]: kills the compiled server with SIGKILL at random moments
// while bundles are being posted, restarts it, and checks after every kill that each acknowledged (2xx)
// bundle is wholly in the database, no bundle is partly in, SQLite's and the full-text indexes' integrity
// checks pass, and the change history verifies. Prints one summary line; exits 1 on any loss.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database.js';
import { integrityProblems } from '../../src/db/integrity.js';
import { openMigrated } from '../../src/db/open.js';
import { createServices } from '../../src/app.js';
import { createSchemaRegistry } from '../../src/validation/ajv.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.CRASH_N ?? '20' },
    writers: { type: 'string', default: '4' },
    seed: { type: 'string' },
    // Proves the checker can fail: after the first kill, deletes a statement of an acknowledged bundle.
    sabotage: { type: 'boolean', default: false },
  },
});
const N = Number(values.n);
const WRITERS = Number(values.writers);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(WRITERS) || WRITERS < 1) {
  console.error('crash: --n and --writers are positive whole numbers');
  process.exit(2);
}

// A seeded generator, so a failing run can be repeated with --seed.
let seed = Number(values.seed ?? Date.now() % 1e9);
const firstSeed = seed;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
execFileSync(process.execPath, ['--input-type=module', '-e', "import('./scripts/build.mjs').then((m) => m.ensureBuilt())"], {
  cwd: root,
  stdio: 'inherit',
});

const registry = createSchemaRegistry();
const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-crash-'));
const dbFile = path.join(dir, 'crash.db');

/** What one bundle writes: keyed items per type, so a check can tell whole from partial. */
const ITEMS = { actor: 2, document: 1, statement: 2, relay: 2, claim: 1, tag: 2 };
const TABLES: Record<keyof typeof ITEMS, string> = {
  actor: 'actors',
  document: 'documents',
  statement: 'statements',
  relay: 'relays',
  claim: 'claims',
  tag: 'tags',
};

function bundle(namespace: string) {
  const said = `The convoy left the port at dawn, ${namespace} said.`;
  const denied = `Nobody left the port that night, according to ${namespace}.`;
  const body = `${namespace}\n\n${said}\nLater: ${denied}\n${'Background paragraph. '.repeat(40)}`;
  return {
    namespace,
    actors: [
      { key: 'outlet', kind: 'outlet', identityStatus: 'named', name: `Outlet ${namespace}` },
      {
        key: 'source',
        kind: 'person',
        identityStatus: 'anonymous',
        description: 'a port official',
        anonymityReason: 'not authorised to speak',
        attestation: { by: 'crash test editor' },
      },
    ],
    documents: [{ key: 'doc', outlet: 'outlet', title: `Report ${namespace}`, body }],
    statements: [
      { key: 's1', speaker: 'source', text: said, textForm: 'quote', kind: 'assertion' },
      { key: 's2', speaker: 'source', text: denied, textForm: 'paraphrase', kind: 'denial' },
    ],
    relays: [
      { key: 'r1', statement: 's1', relayedBy: 'outlet', document: 'doc', mode: 'verbatim' },
      { key: 'r2', statement: 's2', relayedBy: 'outlet', document: 'doc', mode: 'paraphrase' },
    ],
    claims: [{ key: 'c', text: `The convoy left, per ${namespace}` }],
    links: [
      { statement: 's1', claim: 'c', stance: 'supports' },
      { statement: 's2', claim: 'c', stance: 'denies' },
    ],
    tags: [
      { key: 't1', document: 'doc', statement: 's1', selector: { exact: said } },
      { key: 't2', document: 'doc', statement: 's2', selector: { exact: denied } },
    ],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function start(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/index.js'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      WHOSAID_DB: dbFile,
      WHOSAID_DEMO: '0',
      WHOSAID_RATE_LIMIT_PER_KEY: '0',
      WHOSAID_RATE_LIMIT_PER_ADDRESS: '0',
      WHOSAID_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} on start`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start within 30 s');
}

const acknowledged = new Set<string>();
const unacknowledged = new Set<string>();
let posted = 0;

async function writer(port: number, secret: string, round: number, w: number, stop: { now: boolean }): Promise<void> {
  for (let k = 0; !stop.now; k++) {
    const namespace = `r${round}-w${w}-${k}`;
    posted++;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/bundles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(bundle(namespace)),
      });
      if (res.status >= 200 && res.status < 300) acknowledged.add(namespace);
      else throw new Error(`POST /v1/bundles answered ${res.status}: ${await res.text()}`);
    } catch (err) {
      if ((err as Error).message.startsWith('POST')) throw err;
      unacknowledged.add(namespace); // the server died before answering: it may or may not be in
      return;
    }
  }
}

interface Findings {
  lost: string[];
  partial: string[];
  present: Set<string>;
  /** SQLite's and the full-text indexes' integrity checks. */
  integrity: string[];
  history: string | null;
  /** Records no whole bundle accounts for. */
  problems: string[];
}

/** What survived: run on the database file with the server dead. */
async function check(): Promise<Findings> {
  const db = openDatabase(dbFile);
  try {
    const counts = new Map<string, number>();
    for (const row of (await db.query(
      `SELECT b.namespace AS ns, count(*) AS n FROM bundle_keys b
         WHERE EXISTS (SELECT 1 FROM actors a WHERE b.record_type = 'actor' AND a.id = b.record_id)
            OR EXISTS (SELECT 1 FROM documents d WHERE b.record_type = 'document' AND d.id = b.record_id)
            OR EXISTS (SELECT 1 FROM statements s WHERE b.record_type = 'statement' AND s.id = b.record_id)
            OR EXISTS (SELECT 1 FROM relays r WHERE b.record_type = 'relay' AND r.id = b.record_id)
            OR EXISTS (SELECT 1 FROM claims c WHERE b.record_type = 'claim' AND c.id = b.record_id)
            OR EXISTS (SELECT 1 FROM tags t WHERE b.record_type = 'tag' AND t.id = b.record_id)
         GROUP BY b.namespace`,
    )) as Array<{ ns: string; n: number }>)
      counts.set(row.ns, row.n);
    const whole = Object.values(ITEMS).reduce((a, b) => a + b, 0);
    const present = new Set([...counts].filter(([, n]) => n === whole).map(([ns]) => ns));
    const partial = [...counts].filter(([, n]) => n !== whole).map(([ns]) => ns);
    const lost = [...acknowledged].filter((ns) => !present.has(ns));
    const integrity = integrityProblems((db as SqliteDb).sqlite);
    const problems: string[] = [];
    // Records no whole bundle accounts for would be a partial bundle whose keys were lost with it.
    for (const [type, per] of Object.entries(ITEMS)) {
      const n = firstValue(await db.queryFirst(`SELECT count(*) FROM ${TABLES[type as keyof typeof ITEMS]}`)) as number;
      if (n !== per * present.size) problems.push(`${n} ${TABLES[type as keyof typeof ITEMS]} for ${present.size} whole bundles`);
    }
    const links = firstValue(await db.queryFirst('SELECT count(*) FROM statement_claims')) as number;
    if (links !== 2 * present.size) problems.push(`${links} claim links for ${present.size} whole bundles`);
    const history = await createServices(db, registry).changes.verify();
    const broken = history.intact ? null : history.problems.map((p) => p.reason).join('; ');
    return { lost, partial, present, integrity, history: broken, problems };
  } finally {
    await db.close();
  }
}

async function main(): Promise<number> {
  const setup = await openMigrated(dbFile);
  const { secret } = await setup.transaction(() => createServices(setup, registry).keys.create('crash test', 'admin', null));
  await setup.close();

  const t0 = Date.now();
  let failures = 0;
  let last: Findings | undefined;
  for (let round = 1; round <= N; round++) {
    const port = await freePort();
    const server = await start(port);
    const stop = { now: false };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(port, secret, round, w, stop));
    // Some writes of this round answered, then a random moment: most kills land with several in flight.
    const acked = acknowledged.size;
    const patience = Date.now() + 20000;
    while (acknowledged.size === acked && Date.now() < patience) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, random() * 500));
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGKILL');
    await exited;
    stop.now = true;
    await Promise.all(writers);

    if (values.sabotage && round === 1) {
      const db = openDatabase(dbFile).sqlite;
      db.prepare(
        `DELETE FROM statements WHERE id = (SELECT record_id FROM bundle_keys WHERE namespace = ? AND record_type = 'statement' LIMIT 1)`,
      ).run([...acknowledged][0]);
      db.close();
    }
    last = await check();
    const all = [...last.integrity, ...(last.history ? [`history: ${last.history}`] : []), ...last.problems];
    if (last.lost.length || last.partial.length || all.length) {
      failures++;
      console.error(
        `crash: after kill ${round}: lost ${last.lost.join(', ') || 'none'}; partial ${last.partial.join(', ') || 'none'}; ${all.join('; ') || 'integrity ok'}`,
      );
    }
  }
  // Once more the server starts on what the last kill left, and answers.
  const port = await freePort();
  const server = await start(port);
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;

  const inFlightIn = [...unacknowledged].filter((ns) => last!.present.has(ns)).length;
  console.log(
    `crash: ${N} kills in ${((Date.now() - t0) / 1000).toFixed(0)} s (seed ${firstSeed}): ${posted} bundles posted, ${acknowledged.size} acknowledged, ` +
      `${last!.lost.length} acknowledged lost, ${last!.partial.length} partial, ${unacknowledged.size} cut off by a kill (${inFlightIn} of them in whole), ` +
      `integrity ${last!.integrity.length ? 'FAILED' : 'ok'}, history ${last!.history ? 'BROKEN' : 'intact'}` +
      (failures ? `; ${failures} kills left a problem` : ''),
  );
  return failures || acknowledged.size === 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`crash: ${(err as Error).message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
