import { firstValue } from './helpers/rows.js';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import type { Command } from 'commander';
import { createServices } from '../src/app.js';
import { verifyReport } from '../src/audits/audit-service.js';
import { JsonSink } from '../src/http/json-sink.js';
import { buildProgram } from '../src/cli/program.js';
import { integrityProblems } from '../src/db/integrity.js';
import { openMigrated } from '../src/db/open.js';
import { generate } from '../bench/synthetic.js';
import { freePort, startProcess } from './helpers/child.js';
import { demoBundle, schemaRegistry } from './helpers/test-app.js';

// The CLI runs as a user runs it: bin/whosaid.mjs under plain node (compiled dist/, built when stale).
interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}
function whosaid(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
  const r = spawnSync(process.execPath, ['bin/whosaid.mjs', ...args], {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, WHOSAID_DB: '', ...opts.env },
    timeout: 120000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(args: string[], opts?: { input?: string }): Ran {
  const r = whosaid(args, opts);
  assert.equal(r.status, 0, `whosaid ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}
function refused(args: string[], pattern: RegExp): Ran {
  const r = whosaid(args);
  assert.notEqual(r.status, 0, `whosaid ${args.join(' ')} should fail`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  return r;
}

/** Every audit report of a database (each document, claim, actor, and everything), keyed by scope. */
async function reports(file: string): Promise<Map<string, string>> {
  const db = await openMigrated(file);
  const { audits } = createServices(db, schemaRegistry());
  const validate = schemaRegistry().validator('audit-report');
  const out = new Map<string, string>();
  // Generation time and the change log's checkpoint (the copy's history is its own import) are what a copy
  // cannot share, and the digest covers them: all three are set aside after checking that each digest
  // matches its own report.
  const keep = (scope: string, report: Record<string, unknown>) => {
    assert.equal(verifyReport(report, validate).intact, true, `${scope}: digest`);
    const { generatedAt: _g, digest: _d, checkpoint: _c, ...rest } = report;
    out.set(scope, JSON.stringify(rest));
  };
  try {
    const ids = async (table: string) => (await db.query(`SELECT id FROM ${table} ORDER BY id`)).map(firstValue) as number[];
    for (const id of await ids('documents')) keep(`document ${id}`, (await audits.documentReport(id)) as never);
    for (const id of await ids('claims')) keep(`claim ${id}`, (await audits.claimReport(id)) as never);
    for (const id of await ids('actors')) keep(`actor ${id}`, (await audits.actorReport(id)) as never);
    let all = '';
    await audits.streamAll(
      new JsonSink(
        new Writable({
          write(chunk, _enc, done) {
            all += chunk;
            done();
          },
        }),
      ),
    );
    keep('everything', JSON.parse(all));
  } finally {
    await db.close();
  }
  return out;
}

describe('whosaid CLI', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  before(function () {
    this.timeout(120000);
    execFileSync(process.execPath, ['-e', "import('./scripts/build.mjs').then((m) => m.ensureBuilt())"], { stdio: 'pipe' });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('--help', () => {
    it('describes every command and exits 0', function () {
      this.timeout(60000);
      const paths: string[][] = [];
      const walk = (cmd: Command, prefix: string[]) => {
        for (const sub of cmd.commands) {
          paths.push([...prefix, sub.name()]);
          walk(sub, [...prefix, sub.name()]);
        }
      };
      walk(buildProgram(), []);
      for (const name of ['serve', 'migrate', 'demo', 'keys', 'import', 'export', 'backup', 'restore', 'verify']) {
        assert.ok(
          paths.some((p) => p[0] === name),
          `a ${name} command`,
        );
      }
      for (const p of [[], ...paths]) {
        let out = '';
        const program = buildProgram();
        const capture = (cmd: Command) => {
          cmd.configureOutput({ writeOut: (text) => (out += text) });
          cmd.commands.forEach(capture);
        };
        capture(program);
        assert.throws(() => program.parse(['node', 'whosaid', ...p, '--help']), { code: 'commander.helpDisplayed', exitCode: 0 });
        assert.match(out, new RegExp(`^Usage: whosaid ${p.join(' ')}`), p.join(' '));
      }
      // And as a user runs it.
      assert.match(ok(['--help']).stdout, /^Usage: whosaid \[options\] \[command\]/);
      assert.match(ok(['import', '--help']).stdout, /^Usage: whosaid import \[options\] <file>/);
    });
  });

  describe('bad input', () => {
    it('gets one line on stderr, a non-zero exit, and writes nothing', function () {
      this.timeout(60000);
      const db = file('never.db');
      writeFileSync(file('not-json.ndjson'), '{"namespace":"x"}\n{"namespace":\n');
      writeFileSync(file('bad-bundle.ndjson'), '{"namespace":"x"}\n{"namespace":"x","actors":[{"key":"a","kind":"martian"}]}\n');
      writeFileSync(file('not-a-db.db'), 'hello');
      const cases: Array<[string[], RegExp]> = [
        [['nosuch'], /unknown command/],
        [['keys', 'create', 'desk', 'superuser'], /Allowed choices/],
        [['keys', 'revoke', 'one'], /positive whole number/],
        [['serve', '--port', 'http'], /a port is a number/],
        [['import', file('missing.ndjson')], /no such file/],
        [['import', file('not-json.ndjson')], /line 2: not JSON/],
        [['import', file('bad-bundle.ndjson')], /line 2: \/actors\/0/],
        [['export'], /no database there/],
        [['export', '--out', file('nofolder/x.ndjson')], /no folder/],
        [['verify'], /no database there/],
        [['keys', 'list'], /no database there/],
        [['backup', file('copy.db')], /no such file/],
        [['restore', file('not-a-db.db')], /not an SQLite database/],
      ];
      for (const [args, pattern] of cases) refused(['--db', db, ...args], pattern);
      assert.equal(existsSync(db), false, 'no database was created');
      assert.deepEqual(readdirSync(dir).sort(), ['bad-bundle.ndjson', 'not-a-db.db', 'not-json.ndjson']);
    });
  });

  describe('migrate and demo', () => {
    it('creates and migrates the database, then loads the demo once', function () {
      this.timeout(60000);
      const db = file('a.db');
      assert.match(ok(['--db', db, 'migrate']).stdout, /applied: .*records/);
      assert.match(ok(['--db', db, 'migrate']).stdout, /up to date/);
      assert.match(ok(['--db', db, 'demo']).stdout, /demo story: [1-9]\d* created/);
      assert.match(ok(['--db', db, 'demo']).stdout, /0 created, 0 updated/);
    });
  });

  describe('keys', () => {
    it('creates, lists and revokes keys', function () {
      this.timeout(60000);
      const db = file('a.db');
      const created = ok(['--db', db, 'keys', 'create', 'standards desk', 'editor']).stdout;
      assert.match(created, /^key 1 \(editor\) for standards desk; shown this once:\nwsk_1_/);
      assert.match(ok(['--db', db, 'keys', 'list']).stdout, /^1\teditor\tactive\tstandards desk$/m);
      ok(['--db', db, 'keys', 'revoke', '1']);
      assert.match(ok(['--db', db, 'keys', 'list']).stdout, /^1\teditor\trevoked \S+\tstandards desk$/m);
      refused(['--db', db, 'keys', 'revoke', '99'], /99/);
    });
  });

  describe('import', () => {
    it('imports a bundle JSON file, and again changes nothing', function () {
      this.timeout(60000);
      const db = file('a.db');
      writeFileSync(file('demo.json'), JSON.stringify(demoBundle(), null, 2));
      assert.match(ok(['--db', db, 'import', file('demo.json')]).stdout, /imported 1 bundles .*: [1-9]\d* created/);
      assert.match(ok(['--db', db, 'import', file('demo.json')]).stdout, /: 0 created, 0 updated, [1-9]\d* already there/);
    });

    it('streams NDJSON from stdin, with plain progress lines when stderr is not a terminal', function () {
      this.timeout(60000);
      const lines = [0, 1, 2].map((i) => JSON.stringify({ namespace: `ns${i}`, claims: [{ key: 'c', text: `claim number ${i}` }] }));
      const r = ok(['--db', file('a.db'), 'import', '-'], { input: `${lines.join('\n')}\n` });
      assert.match(r.stdout, /imported 3 bundles from stdin: 3 created/);
      assert.match(r.stderr, /^import: 100% 3\/3 bundles$/m);
      assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\u001b'), 'no bar redraws');
    });

    it('refuses a bundle holding a NUL character as one line naming the field, importing nothing of it', function () {
      this.timeout(60000);
      // PostgreSQL's text cannot hold U+0000: an import refuses it on either database, as POST /v1/bundles does.
      const db = file('a.db');
      writeFileSync(file('nul.json'), JSON.stringify({ namespace: 'n', claims: [{ key: 'c', text: 'before\u0000after' }] }));
      refused(['--db', db, 'import', file('nul.json')], /\/claims\/0\/text: holds a NUL character/);
      if (existsSync(db)) {
        const s = new BetterSqlite3(db, { readonly: true });
        try {
          assert.equal(s.prepare('SELECT count(*) FROM claims').pluck().get(), 0);
        } finally {
          s.close();
        }
      }
    });

    it('finishes an interrupted import when run again, skipping what is in', async function () {
      this.timeout(120000);
      const source = file('source.db');
      ok(['--db', source, 'demo']);
      ok(['--db', source, 'export', '--out', file('all.ndjson')]);
      const all = readFileSync(file('all.ndjson'), 'utf8').trimEnd().split('\n');
      assert.ok(all.length > 3);
      writeFileSync(file('first.ndjson'), `${all.slice(0, 3).join('\n')}\n`);
      const db = file('a.db');
      ok(['--db', db, 'import', file('first.ndjson')]);
      const resumed = ok(['--db', db, 'import', file('all.ndjson')]).stdout;
      const [, created, , existing] = /: (\d+) created, (\d+) updated, (\d+) already there/.exec(resumed)!.map(Number);
      assert.ok(existing > 0 && created > 0, resumed);
      assert.deepEqual(await reports(db), await reports(source));
    });
  });

  describe('export', () => {
    it('into an empty database, gives the same records and byte-identical audit reports', async function () {
      this.timeout(120000);
      const source = file('source.db');
      const db = await openMigrated(source);
      generate(db, { statements: 400, documentBodies: true });
      await db.close();
      ok(['--db', source, 'demo']); // tags, claims with verdicts, acting-for, attestations
      ok(['--db', source, 'export', '--out', file('all.ndjson')]);
      ok(['--db', file('copy.db'), 'import', file('all.ndjson')]);

      const count = (f: string, table: string) => {
        const s = new BetterSqlite3(f, { readonly: true });
        try {
          return s.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
        } finally {
          s.close();
        }
      };
      for (const table of ['actors', 'documents', 'statements', 'relays', 'claims', 'statement_claims', 'tags'])
        assert.equal(count(file('copy.db'), table), count(source, table), table);
      const [a, b] = [await reports(source), await reports(file('copy.db'))];
      assert.ok(a.size > 100);
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [scope, report] of a) assert.equal(b.get(scope), report, scope);
      // The copy's own export is the same, line for line, but for its namespace.
      const copyExport = ok(['--db', file('copy.db'), 'export']).stdout;
      const strip = (s: string) => s.replace(/"namespace":"[^"]*"/g, '');
      assert.equal(strip(copyExport), strip(readFileSync(file('all.ndjson'), 'utf8')));
    });
  });

  describe('verify', () => {
    it('passes an intact history and names the first broken change', function () {
      this.timeout(60000);
      const db = file('a.db');
      ok(['--db', db, 'demo']);
      assert.match(ok(['--db', db, 'verify']).stdout, /history: intact, [1-9]\d* changes/);
      const s = new BetterSqlite3(db);
      s.prepare('UPDATE changes SET after = ? WHERE seq = 3').run('{"forged":true}');
      s.close();
      const r = whosaid(['--db', db, 'verify']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^history: BROKEN/m);
      assert.match(r.stderr, /change 3/);
    });
  });

  describe('backup and restore', () => {
    it('backs up while the service takes writes; the copy passes integrity_check and its history verifies', async function () {
      this.timeout(120000);
      const db = file('live.db');
      const secret = ok(['--db', db, 'keys', 'create', 'loader', 'journalist']).stdout.trim().split('\n').at(-1)!;
      const port = await freePort();
      const server = await startProcess(
        ['bin/whosaid.mjs', '--db', db, 'serve'],
        { WHOSAID_DEMO: '0', WHOSAID_RATE_LIMIT_PER_KEY: '0' },
        port,
      );
      let running = true;
      let posted = 0;
      const load = (async () => {
        while (running) {
          const res = await fetch(`http://127.0.0.1:${port}/v1/bundles`, {
            method: 'POST',
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body: JSON.stringify({ namespace: `load-${posted}`, claims: [{ key: 'c', text: `claim ${posted}` }] }),
          });
          assert.equal(res.status, 201);
          posted++;
        }
      })();
      try {
        while (posted < 20) await new Promise((r) => setTimeout(r, 20));
        const backup = await new Promise<Ran>((resolve) => {
          const child = spawn(process.execPath, ['bin/whosaid.mjs', '--db', db, 'backup', file('copy.db')]);
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (status) => resolve({ status, stdout, stderr }));
        });
        assert.equal(backup.status, 0, backup.stderr);
        assert.match(backup.stdout, /integrity ok/);
        refused(['--db', db, 'restore', file('copy.db')], /open in another process/);
      } finally {
        running = false;
        await load;
        await server.stop();
      }
      const copy = new BetterSqlite3(file('copy.db'));
      assert.deepEqual(integrityProblems(copy), []);
      const claims = copy.prepare('SELECT count(*) FROM claims').pluck().get() as number;
      copy.close();
      assert.ok(claims >= 20 && claims <= posted, `${claims} claims of ${posted} posted`);
      assert.match(ok(['--db', file('copy.db'), 'verify']).stdout, /history: intact/);
      refused(['--db', db, 'backup', file('copy.db')], /exists; give --force/);
    });

    it('restores a backup in place of the database, keeping the one it replaced', function () {
      this.timeout(60000);
      const db = file('a.db');
      ok(['--db', db, 'demo']);
      ok(['--db', db, 'backup', file('backup.db')]);
      ok(['--db', db, 'import', '-'], { input: '{"namespace":"later","claims":[{"key":"c","text":"written after the backup"}]}' });
      const claims = () => {
        const s = new BetterSqlite3(db, { readonly: true });
        try {
          return s.prepare('SELECT count(*) FROM claims').pluck().get() as number;
        } finally {
          s.close();
        }
      };
      const after = claims();
      const r = ok(['--db', db, 'restore', file('backup.db')]);
      assert.equal(claims(), after - 1);
      const kept = /kept as (\S+)$/m.exec(r.stdout)![1];
      assert.ok(existsSync(kept));
      assert.match(ok(['--db', db, 'verify']).stdout, /history: intact/);
    });

    it('refuses an SQLite file that is not a whosaid database, leaving the database as it was', function () {
      this.timeout(60000);
      const db = file('a.db');
      ok(['--db', db, 'demo']);
      const other = new BetterSqlite3(file('other.db'));
      other.exec('CREATE TABLE t (x)');
      other.close();
      const before = readFileSync(db);
      refused(['--db', db, 'restore', file('other.db')], /not a whosaid one/);
      assert.ok(readFileSync(db).equals(before));
    });
  });
});
