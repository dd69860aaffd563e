// Two whosaid processes on one PostgreSQL database, as behind a load balancer: concurrent bundle posts
// (the same bundle at both at once, too) and concurrent edits of the same and of different records, then
// every acknowledged write is in the database exactly once and the history verifies.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { STORY_ITEMS, story } from './helpers/story-bundle.js';
import { freePort, type Started, startProcess } from './helpers/child.js';
import { ensureBuilt } from './helpers/newsroom.js';
import { migratedPostgresDatabase, testDialect } from './helpers/test-db.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A client of one process, sending the admin key. */
function client(port: number, key: string) {
  return async (method: string, url: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

describe('two processes on one PostgreSQL database', function () {
  this.timeout(180_000);
  let dir: string;
  let url: string;
  let servers: Started[] = [];
  let sql: pg.Client;

  before(function () {
    // Several server processes share one database only on PostgreSQL (an SQLite file has one serving
    // process; another would wait on its lock with the event loop blocked): npm run test:pg runs this.
    if (testDialect !== 'postgres') this.skip();
    // Compiled once here: two processes both finding dist/ stale would both compile it.
    ensureBuilt();
  });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-two-'));
    url = await migratedPostgresDatabase();
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
    await sql?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Both processes, started together on the empty database as a load balancer's pool starts: one of them
   * makes the first admin key and shows it, the other finds it. A client of each.
   */
  async function startTwo() {
    const env = {
      WHOSAID_DATABASE_URL: url,
      WHOSAID_DB: '',
      WHOSAID_DEMO: '0',
      WHOSAID_LOG_KEY: path.join(dir, 'log.key'),
      WHOSAID_RATE_LIMIT_PER_KEY: '0',
      WHOSAID_RATE_LIMIT_PER_ADDRESS: '0',
      WHOSAID_LOG_LEVEL: 'info',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    const started = await Promise.allSettled([portA, portB].map((port) => startProcess(['bin/whosaid.mjs', 'serve'], env, port)));
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = servers;
    for (const s of servers) assert.ok(await startedUp(s), `each process says it listens:\n${s.output()}`);
    const keyShown = /wsk_\d+_[A-Za-z0-9_-]{43}/;
    const key = servers.map((s) => keyShown.exec(s.output())?.[0]).find(Boolean);
    assert.ok(key, `one process shows the admin key it made:\n${a.output()}\n${b.output()}`);
    assert.equal(
      servers.filter((s) => keyShown.test(s.output())).length,
      1,
      `the other finds the key and makes none:\n${a.output()}\n${b.output()}`,
    );
    assert.equal(await count('SELECT count(*) AS n FROM api_keys'), 1, 'one admin key between them');
    return [client(portA, key), client(portB, key)] as const;
  }

  const count = async (query: string, params: unknown[] = []) => Number((await sql.query(query, params)).rows[0].n);

  it('applies the same bundle once when both processes get it at once, the other answering that it exists', async () => {
    const [a, b] = await startTwo();
    const rounds = 6;
    for (let i = 0; i < rounds; i++) {
      const bundle = story(`race-${i}`);
      // Alternate who is asked first, so neither process always wins.
      const [first, second] = i % 2 ? [b, a] : [a, b];
      const answers = await Promise.all([first('POST', '/v1/bundles', bundle), second('POST', '/v1/bundles', bundle)]);
      const created = answers.filter((r) => r.status === 201);
      const existing = answers.filter((r) => r.status === 200);
      assert.equal(created.length, 1, `round ${i}: one post creates: ${JSON.stringify(answers)}`);
      assert.equal(existing.length, 1, `round ${i}: the other is answered 200: ${JSON.stringify(answers)}`);
      assert.equal(existing[0].body.created, 0);
      assert.equal(existing[0].body.existing, created[0].body.created, 'every item of the second post is reported as already there');
      // Both answers name the same records.
      const ids = (r: Answer) =>
        (r.body.items as Array<{ type: string; key: string; id: number }>).map((x) => `${x.type}:${x.key}:${x.id}`).sort();
      assert.deepEqual(ids(existing[0]), ids(created[0]));
    }
    for (let i = 0; i < rounds; i++) {
      assert.equal(await count('SELECT count(*) AS n FROM bundle_keys WHERE namespace = $1', [`race-${i}`]), STORY_ITEMS);
      assert.equal(await count('SELECT count(*) AS n FROM actors WHERE name = $1', [`Speaker of race-${i}`]), 1);
      assert.equal(await count('SELECT count(*) AS n FROM statements WHERE text = $1', [`What was said in race-${i}`]), 1);
      assert.equal(
        await count('SELECT count(*) AS n FROM statement_claims l JOIN claims c ON c.id = l.claim_id WHERE c.text = $1', [
          `The claim of race-${i}`,
        ]),
        1,
      );
    }
    await assertHistoryVerifies(a);
  });

  it('keeps every acknowledged write of concurrent posts and edits through both, once, and the history verifies', async () => {
    const [a, b] = await startTwo();
    const both = [a, b];
    // Records both processes then edit: one shared statement, one statement each.
    const base = await a('POST', '/v1/bundles', story('base'));
    assert.equal(base.status, 201);
    const other = await b('POST', '/v1/bundles', story('other'));
    assert.equal(other.status, 201);
    const idOf = (r: Answer, type: string) => (r.body.items as Array<{ type: string; id: number }>).find((x) => x.type === type)!.id;
    const shared = idOf(base, 'statement');
    const own = [idOf(base, 'actor'), idOf(other, 'actor')];

    const work: Array<Promise<{ what: string; answer: Answer }>> = [];
    const fire = (what: string, p: Promise<Answer>) => work.push(p.then((answer) => ({ what, answer })));
    for (let i = 0; i < 16; i++) {
      const at = both[i % 2];
      fire(`shared ${i}`, at('PATCH', `/v1/statements/${shared}`, { context: `edit ${i}` }));
      fire(`own ${i}`, at('PATCH', `/v1/actors/${own[i % 2]}`, { description: `edit ${i}` }));
      fire(`actor ${i}`, at('POST', '/v1/actors', { kind: 'person', identityStatus: 'named', name: `Concurrent ${i}` }));
      if (i % 4 === 0) fire(`bundle ${i}`, at('POST', '/v1/bundles', story(`concurrent-${i}`)));
    }
    const done = await Promise.all(work);
    const refused = done.filter((d) => d.answer.status >= 300);
    assert.deepEqual(
      refused.map((d) => `${d.what}: ${d.answer.status} ${JSON.stringify(d.answer.body)}`),
      [],
      'no write is refused or lost to the other process',
    );

    // Every created record exists once.
    for (const { what, answer } of done.filter((d) => d.what.startsWith('actor '))) {
      assert.equal(
        await count('SELECT count(*) AS n FROM actors WHERE name = $1 AND id = $2', [answer.body.name, answer.body.id]),
        1,
        what,
      );
    }
    assert.equal(await count(`SELECT count(*) AS n FROM actors WHERE name LIKE 'Concurrent %'`), 16);
    assert.equal(
      await count(`SELECT count(*) AS n FROM (SELECT name FROM actors GROUP BY name HAVING count(*) > 1) d`),
      0,
      'no duplicate actor',
    );
    for (let i = 0; i < 16; i += 4)
      assert.equal(await count('SELECT count(*) AS n FROM statements WHERE text = $1', [`What was said in concurrent-${i}`]), 1);

    // Every acknowledged edit is one change in the history; the record holds the last one recorded.
    const updates = async (type: string, id: number) =>
      (
        await sql.query(`SELECT seq, "after" FROM changes WHERE record_type = $1 AND record_id = $2 AND action = 'update' ORDER BY seq`, [
          type,
          String(id),
        ])
      ).rows.map((r: { after: string }) => JSON.parse(r.after) as Record<string, unknown>);
    const sharedEdits = (await updates('statement', shared)).map((r) => r.context);
    assert.deepEqual(
      [...sharedEdits].sort(),
      Array.from({ length: 16 }, (_, i) => `edit ${i}`).sort(),
      'each edit of the shared statement once',
    );
    const now = (await sql.query('SELECT context FROM statements WHERE id = $1', [shared])).rows[0].context;
    assert.equal(now, sharedEdits.at(-1), 'the statement holds the edit recorded last');
    for (const [k, id] of own.entries()) {
      const edits = (await updates('actor', id)).map((r) => r.description);
      assert.deepEqual([...edits].sort(), Array.from({ length: 8 }, (_, j) => `edit ${2 * j + k}`).sort());
    }
    // Each created actor has exactly one insert in the history.
    assert.equal(
      await count(
        `SELECT count(*) AS n FROM changes c JOIN actors a ON c.record_id = a.id::text WHERE c.record_type = 'actor' AND c.action = 'insert' AND a.name LIKE 'Concurrent %'`,
      ),
      16,
    );
    await assertHistoryVerifies(b);
  });
});

/**
 * Whether the process finished starting up within the time: it answers /healthz as soon as the app is
 * built, a moment before it has made (or found) the first admin key and says it listens.
 */
async function startedUp(p: Started, timeoutMs = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
    if (/listening on http/.test(p.output())) return true;
  return false;
}

/** The full verification through the API: chain, leaves, tree and every record against its history. */
async function assertHistoryVerifies(api: ReturnType<typeof client>): Promise<void> {
  const v = await api('GET', '/v1/changes/verify');
  assert.equal(v.status, 200);
  assert.equal(v.body.intact, true, JSON.stringify(v.body.problems));
  assert.equal(v.body.checked, v.body.treeSize);
}
