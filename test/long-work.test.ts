import type { SqliteDb } from '../src/db/database.js';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { OPERATOR } from '../src/access/field-permissions.js';
import { createApp, type Services } from '../src/app.js';
import type { Db } from '../src/db/database.js';
import { openMigrated } from '../src/db/open.js';
import { createLogger } from '../src/logging/logger.js';
import type { JobRunner } from '../src/workers/job-runner.js';
import { bigBundle } from './helpers/big-bundle.js';
import { schemaRegistry } from './helpers/test-app.js';

// The body limit is 2 MiB: the largest bundle a client can send in one request.
const BUNDLE_BYTES = 2 * 1024 * 1024 - 4096;
const P99_LIMIT_MS = 50;

interface Served {
  db: Db;
  services: Services;
  jobs: JobRunner;
  server: Server;
  port: number;
  admin: string;
}

/** The app over a database file (worker threads open the file themselves), listening on a free port. */
async function serve(dir: string): Promise<Served> {
  const db = await openMigrated(path.join(dir, 'whosaid.db'));
  const { app, services, jobs } = createApp({ db, registry: schemaRegistry(), logger: createLogger({ level: 'silent' }) });
  const admin = (await services.keys.create('admin', 'admin', null)).secret;
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { db, services, jobs, server, admin, port: (server.address() as AddressInfo).port };
}

/** Sends one request and resolves with its status and body, reading the body however long it is. */
function call(s: Served, method: string, p: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        port: s.port,
        host: '127.0.0.1',
        method,
        path: p,
        headers: {
          authorization: `Bearer ${s.admin}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// CPU time this process's main thread has used, in ms (Linux; 10 ms ticks). The main thread's task id is
// the process id. Tells a probe that waited behind work on the event loop from one that waited for a core.
const MAIN_THREAD_STAT = `/proc/self/task/${process.pid}/stat`;
function mainThreadCpuMs(): number {
  const fields = readFileSync(MAIN_THREAD_STAT, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Probes {
  /** Wall-clock latency of each /healthz request. */
  latencies: number[];
  /** CPU time the main thread spent during each of them: what the event loop was held by. */
  busy: number[];
}

/**
 * Asks /healthz one request after another while `job` runs. A probe that waits behind a long synchronous
 * piece of work shows that piece's length.
 */
async function healthzDuring<T>(s: Served, job: () => Promise<T>): Promise<Probes & { result: T }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const busy: number[] = [];
  let done = false;
  const probe = async () => {
    while (!done) {
      const started = performance.now();
      const cpu = mainThreadCpuMs();
      await new Promise<void>((resolve, reject) =>
        request({ port: s.port, host: '127.0.0.1', path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end(),
      );
      latencies.push(performance.now() - started);
      busy.push(mainThreadCpuMs() - cpu);
    }
  };
  const probing = probe();
  try {
    const result = await job();
    return { result, latencies, busy };
  } finally {
    done = true;
    await probing;
    agent.destroy();
  }
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

/**
 * /healthz p99 under 50 ms. On a machine with more runnable processes than cores, a probe also waits for a
 * core whatever the service does; only there, the bound applies to the main thread's own CPU time during
 * each probe, which is exactly how long the event loop was held.
 */
function assertResponsive({ latencies, busy }: Probes, what: string): void {
  assert.ok(latencies.length >= 20, `${what}: only ${latencies.length} probes answered while it ran`);
  const wall = p99(latencies);
  const held = p99(busy);
  const report = `${what}: /healthz p99 ${wall.toFixed(1)} ms, main thread busy p99 ${held} ms (max ${Math.max(...latencies).toFixed(1)} ms wall, ${Math.max(...busy)} ms busy, ${latencies.length} probes, load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`;
  if (process.env.WHOSAID_LATENCY_REPORT) console.log(`      ${report}`);
  const oversubscribed = loadavg()[0] > cpus().length;
  assert.ok(wall < P99_LIMIT_MS || (oversubscribed && held < P99_LIMIT_MS), report);
}

describe('long work never stalls the service', function () {
  this.timeout(180000);
  // A probe that waits is what these tests look for; on a machine shared with other jobs the scheduler
  // can make one wait too. A real stall fails every attempt; another process's burst does not.
  this.retries(2);
  let dir: string;
  let s: Served;
  const open = async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-long-'));
    s = await serve(dir);
  };
  const close = async () => {
    await new Promise((r) => s.server.close(r));
    await s.jobs.close();
    await s.db.close();
    rmSync(dir, { recursive: true, force: true });
  };

  describe('POST /v1/bundles with a 2 MiB bundle', () => {
    beforeEach(open);
    afterEach(close);

    it('imports it whole while /healthz p99 stays under 50 ms', async () => {
      const body = JSON.stringify(bigBundle(BUNDLE_BYTES));
      assert.ok(body.length > 2_000_000);
      const before = ((await s.db.queryFirst('SELECT coalesce(max(seq), 0) AS n FROM changes')) as { n: number }).n;
      const { result, ...probes } = await healthzDuring(s, () => call(s, 'POST', '/v1/bundles', body));
      assert.equal(result.status, 201, result.text.slice(0, 500));
      const created = JSON.parse(result.text).created as number;
      const count = async (t: string) => ((await s.db.queryFirst(`SELECT count(*) AS n FROM ${t}`)) as { n: number }).n;
      assert.equal(created, (await count('actors')) + (await count('documents')) + (await count('statements')) + (await count('relays')));
      assertResponsive(probes, 'importing a 2 MiB bundle');
      // The history records the import as made with the caller's key, by the worker's connection.
      const keys = (await s.db.query('SELECT DISTINCT key_id FROM changes WHERE seq > ?', [before])) as Array<{ key_id: number }>;
      assert.deepEqual(
        keys.map((k) => k.key_id),
        [1],
      );
    });

    it('answers a refused bundle with the same problem document, and writes nothing', async () => {
      const bundle = bigBundle(100_000) as unknown as { statements: Array<{ speaker: string }> };
      bundle.statements[50].speaker = 'nobody';
      const res = await call(s, 'POST', '/v1/bundles', JSON.stringify(bundle));
      assert.equal(res.status, 422);
      assert.equal(JSON.parse(res.text).errors[0].pointer, '/statements/50/speaker', res.text);
      assert.equal(((await s.db.queryFirst('SELECT count(*) AS n FROM actors')) as { n: number }).n, 0);
    });

    it('lets main-thread writes wait for the import instead of blocking on the database lock', async () => {
      const body = JSON.stringify(bigBundle(BUNDLE_BYTES / 2));
      const importing = call(s, 'POST', '/v1/bundles', body);
      await new Promise((r) => setTimeout(r, 200));
      const { result, ...probes } = await healthzDuring(s, () =>
        call(s, 'POST', '/v1/actors', JSON.stringify({ kind: 'person', identityStatus: 'named', name: 'Written meanwhile' })),
      );
      assert.equal(result.status, 201, result.text);
      assert.equal((await importing).status, 201);
      assertResponsive(probes, 'a write waiting for an import');
    });
  });

  describe('with a large store', () => {
    // Built once: these tests only read. A big bundle for the audit and the export, then tens of
    // thousands of changes added fast with raw SQL (the history triggers hash each row as usual).
    before(async function () {
      this.timeout(300000);
      await open();
      await s.db.writeAs(OPERATOR, () => s.services.bundles.apply(bigBundle(BUNDLE_BYTES, 'load.a')));
      await s.db.writeAs(OPERATOR, async () => {
        (s.db as SqliteDb).sqlite.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
          INSERT INTO actors (kind, identity_status, name, created_at, updated_at)
          SELECT 'person', 'named', 'Generated person ' || i, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`);
      });
    });
    after(close);

    it('GET /v1/changes/verify walks the whole history while /healthz p99 stays under 50 ms', async () => {
      const { result, ...probes } = await healthzDuring(s, () => call(s, 'GET', '/v1/changes/verify'));
      assert.equal(result.status, 200, result.text);
      const verification = JSON.parse(result.text);
      assert.equal(verification.intact, true);
      assert.ok(verification.checked > 30_000, `${verification.checked} changes`);
      assertResponsive(probes, 'verifying the history');
    });

    it('GET /v1/audits (everything) streams while /healthz p99 stays under 50 ms', async () => {
      const { result, ...probes } = await healthzDuring(s, () => call(s, 'GET', '/v1/audits'));
      assert.equal(result.status, 200);
      assert.ok(JSON.parse(result.text).digest);
      assertResponsive(probes, 'the everything-audit');
    });

    it('GET /v1/exports/prov (everything) streams while /healthz p99 stays under 50 ms', async () => {
      const { result, ...probes } = await healthzDuring(s, () => call(s, 'GET', '/v1/exports/prov'));
      assert.equal(result.status, 200);
      assert.ok(Object.keys(JSON.parse(result.text).entity).length > 5_000);
      assertResponsive(probes, 'the everything-export');
    });
  });
});
