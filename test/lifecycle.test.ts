import type { SqliteDb } from '../src/db/database.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, StartupError } from '../src/config.js';
import { createLogger, lineSink } from '../src/logging/logger.js';
import { startServer } from '../src/server.js';
import { expectProblem } from './helpers/problems.js';
import { demoBundle, makeTestApp } from './helpers/test-app.js';

const root = path.resolve(import.meta.dirname, '..');

/** A port nobody holds (bound, then released). */
async function freePort(): Promise<number> {
  const s = createServer().listen(0);
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Runs `node --import tsx src/index.ts` and resolves with its exit code and output. */
function runIndex(env: Record<string, string>, whenReady?: (child: ReturnType<typeof spawn>, out: () => string) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: root,
    env: { ...process.env, WHOSAID_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (whenReady && stdout.includes('listening on')) {
      const ready = whenReady;
      whenReady = undefined;
      ready(child, () => stdout);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('server lifecycle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-life-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('a busy port', () => {
    let holder: ReturnType<typeof createServer>;
    let port: number;
    beforeEach(async () => {
      holder = createServer().listen(0);
      await new Promise((r) => holder.once('listening', r));
      port = (holder.address() as AddressInfo).port;
    });
    afterEach(() => new Promise((r) => holder.close(r)));

    it('fails startServer with one clear message and creates no database', async () => {
      const dbFile = path.join(dir, 'w.db');
      const config = { ...loadConfig({}), port, dbFile };
      await assert.rejects(startServer(config, { logger: createLogger({ level: 'silent' }) }), (err: Error) => {
        assert.ok(err instanceof StartupError);
        assert.equal(err.message, `port ${port} is already in use; stop what is using it or set PORT to another port`);
        return true;
      });
      assert.equal(existsSync(dbFile), false);
    });

    it('makes the process print one line on stderr and exit non-zero, with no admin key made', async function () {
      this.timeout(30000);
      const dbFile = path.join(dir, 'w.db');
      const r = await runIndex({ PORT: String(port), WHOSAID_DB: dbFile });
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr, `whosaid: port ${port} is already in use; stop what is using it or set PORT to another port\n`);
      assert.doesNotMatch(r.stdout, /admin key/);
      assert.equal(existsSync(dbFile), false);
    });
  });

  describe('a bad setting', () => {
    it('is one line on stderr and a non-zero exit', async function () {
      this.timeout(30000);
      const r = await runIndex({ WHOSAID_LOG_LEVEL: 'loud', WHOSAID_DB: path.join(dir, 'w.db') });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /^whosaid: WHOSAID_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"\n$/);
    });
  });

  describe('stop()', () => {
    it('lets a request in flight finish, then checkpoints the WAL and closes the database', async function () {
      this.timeout(30000);
      const dbFile = path.join(dir, 'w.db');
      const port = await freePort();
      let secret = '';
      const running = await startServer(
        { ...loadConfig({}), port, dbFile, loadDemo: false },
        { logger: createLogger({ level: 'silent' }), showAdminKey: (s) => (secret = s) },
      );
      const body = Buffer.from(JSON.stringify(demoBundle()));
      // Half the body goes now, the rest after stop() began: the request is in flight across it.
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            port,
            method: 'POST',
            path: '/v1/bundles',
            headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${secret}` },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, 1000));
        setTimeout(() => req.end(body.subarray(1000)), 300);
      });
      await new Promise((r) => setTimeout(r, 100));
      const stopped = running.stop();
      const res = await answer;
      await stopped;
      assert.equal(res.status, 201, res.text);
      assert.equal((running.db as SqliteDb).sqlite.open, false);
      assert.equal(statSync(dbFile + '-wal', { throwIfNoEntry: false })?.size ?? 0, 0);
      // The import reached the file.
      const { default: Sqlite } = await import('better-sqlite3');
      const check = new Sqlite(dbFile, { readonly: true });
      assert.ok((check.prepare('SELECT count(*) AS n FROM statements').get() as { n: number }).n > 10);
      check.close();
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 while the database answers, 503 once the server is stopping or the database is gone', async () => {
      let draining = false;
      const t = await makeTestApp({ deps: { draining: () => draining } });
      assert.equal((await t.anon.get('/readyz').expect(200)).body.status, 'ready');
      draining = true;
      expectProblem(await t.anon.get('/readyz'), 503, 'shutting-down');
      draining = false;
      await t.db.close();
      expectProblem(await t.anon.get('/readyz'), 503, 'database-unavailable');
      await t.anon.get('/healthz').expect(200);
    });
  });

  describe('SIGTERM', () => {
    it('stops the process with exit code 0 and a checkpointed WAL', async function () {
      this.timeout(30000);
      const dbFile = path.join(dir, 'w.db');
      const lines: string[] = [];
      const r = await runIndex({ PORT: String(await freePort()), WHOSAID_DB: dbFile, WHOSAID_DEMO: '1' }, (child) => child.kill('SIGTERM'));
      lines.push(...r.stdout.split('\n').filter((l) => l.startsWith('{')));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        lines.some((l) => JSON.parse(l).msg === 'stopped'),
        r.stdout,
      );
      assert.equal(statSync(dbFile + '-wal', { throwIfNoEntry: false })?.size ?? 0, 0);
      assert.ok(readFileSync(dbFile).length > 0);
    });
  });
});
