import { OPERATOR } from '../src/access/field-permissions.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, chmodSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { expectProblem } from './helpers/problems.js';
import { LogSigner, openCheckpoint, openNote } from '../src/log/checkpoint.js';
import { verifyConsistency, verifyInclusion } from '../src/log/merkle.js';

// An independent Merkle tree, written here from RFC 9162 §2.1's definitions (MTH, PATH, PROOF), so the
// service's stored-node implementation is checked against the pseudo-code rather than against itself.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two smaller than n
function rfc(leaves: Buffer[]) {
  const memo = new Map<string, Buffer>();
  const MTH = (a: number, b: number): Buffer => {
    const key = `${a}:${b}`;
    if (!memo.has(key))
      memo.set(
        key,
        b - a === 0
          ? sha()
          : b - a === 1
            ? sha(Buffer.from([0]), leaves[a])
            : sha(Buffer.from([1]), MTH(a, a + k(b - a)), MTH(a + k(b - a), b)),
      );
    return memo.get(key)!;
  };
  const PATH = (m: number, a: number, b: number): Buffer[] => {
    if (b - a <= 1) return [];
    const s = k(b - a);
    return m < s ? [...PATH(m, a, a + s), MTH(a + s, b)] : [...PATH(m - s, a + s, b), MTH(a, a + s)];
  };
  const SUBPROOF = (m: number, a: number, b: number, whole: boolean): Buffer[] => {
    if (m === b - a) return whole ? [] : [MTH(a, b)];
    const s = k(b - a);
    return m <= s ? [...SUBPROOF(m, a, a + s, whole), MTH(a + s, b)] : [...SUBPROOF(m - s, a + s, b, false), MTH(a, a + s)];
  };
  return { MTH, PATH: (m: number, n: number) => PATH(m, 0, n), PROOF: (m: number, n: number) => SUBPROOF(m, 0, n, true) };
}

const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

/** n changes: claims written in one transaction, each one a change. */
async function grow(t: TestApp, n: number) {
  await t.db.writeAs(OPERATOR, async () => {
    for (let i = 0; i < n; i++) await t.services.claims.create({ text: `claim ${i}` });
  });
}

/** The entries of the log as stored, in order: the independent tree's leaves. */
async function entries(t: TestApp, n: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let seq = 1; seq <= n; seq++) out.push(Buffer.from((await t.services.log.inclusion(seq, seq)).entry, 'utf8'));
  return out;
}

describe('transparency log', () => {
  describe('proofs', () => {
    it('match RFC 9162 inclusion and consistency proofs for every tree of 1 to 1,000 leaves', async function () {
      this.timeout(120000);
      const t = await makeTestApp();
      const base = (await t.services.log.checkpoint()).size;
      await grow(t, 1000 - base);
      const { MTH, PATH, PROOF } = rfc(await entries(t, 1000));
      for (let n = 1; n <= 1000; n++) {
        const root = MTH(0, n);
        const picks = [...new Set([0, n - 1, Math.floor(n / 2), (n * 7919) % n])];
        for (const m of picks) {
          const inc = await t.services.log.inclusion(m + 1, n);
          assert.equal(inc.rootHash, root.toString('hex'), `root of ${n}`);
          assert.deepEqual(inc.proof, hex(PATH(m, n)), `PATH(${m}, ${n})`);
          const proof = inc.proof.map((p) => Buffer.from(p, 'hex'));
          assert.ok(verifyInclusion(m, n, MTH(m, m + 1), proof, root), `inclusion ${m} in ${n} verifies`);
          assert.ok(!verifyInclusion(m, n, MTH(m, m + 1), proof, sha(root)), 'a wrong root fails');
          if (proof.length) {
            const bent = [...proof];
            bent[0] = sha(bent[0]);
            assert.ok(!verifyInclusion(m, n, MTH(m, m + 1), bent, root), 'a bent proof fails');
          }
        }
        for (const m of [...new Set([1, n, Math.ceil(n / 2), (n * 104729) % n || 1])]) {
          const c = await t.services.log.consistency(m, n);
          assert.deepEqual(c.proof, hex(PROOF(m, n)), `PROOF(${m}, ${n})`);
          assert.equal(c.fromRoot, MTH(0, m).toString('hex'));
          const proof = c.proof.map((p) => Buffer.from(p, 'hex'));
          assert.ok(verifyConsistency(m, n, proof, MTH(0, m), root), `consistency ${m} → ${n} verifies`);
          if (m < n) assert.ok(!verifyConsistency(m, n, proof, sha(MTH(0, m)), root), 'a different old root fails');
        }
      }
    });

    it('serves inclusion and consistency proofs over HTTP, key changes to admins only', async () => {
      const t = await makeTestApp({ demo: true });
      const size = (await t.services.log.checkpoint()).size;
      const { MTH, PATH, PROOF } = rfc(await entries(t, size));
      const seq = ((await t.db.queryFirst(`SELECT min(seq) AS s FROM changes WHERE record_type = 'statement'`)) as { s: number }).s;
      const inc = (await t.as('reader').get(`/v1/log/inclusion?seq=${seq}`).expect(200)).body;
      assert.equal(inc.treeSize, size);
      assert.equal(inc.leafHash, MTH(seq - 1, seq).toString('hex'));
      assert.deepEqual(inc.proof, hex(PATH(seq - 1, size)));
      const con = (await t.as('reader').get(`/v1/log/consistency?from=3&to=${size}`).expect(200)).body;
      assert.deepEqual(con.proof, hex(PROOF(3, size)));
      assert.equal(con.toRoot, MTH(0, size).toString('hex'));
      const keySeq = ((await t.db.queryFirst(`SELECT min(seq) AS s FROM changes WHERE record_type = 'key'`)) as { s: number }).s;
      for (const role of ['reader', 'journalist', 'editor'] as const)
        expectProblem(await t.as(role).get(`/v1/log/inclusion?seq=${keySeq}`), 403);
      await t.as('admin').get(`/v1/log/inclusion?seq=${keySeq}`).expect(200);
      expectProblem(await t.as('reader').get(`/v1/log/inclusion?seq=${size + 1}`), 404);
      expectProblem(await t.as('reader').get(`/v1/log/consistency?from=2&to=${size + 5}`), 422);
      expectProblem(await t.as('reader').get(`/v1/log/consistency?from=9&to=3`), 422);
      expectProblem(await t.as('reader').get(`/v1/log/inclusion?seq=abc`), 400);
    });

    it('keeps the stored tree in step with each write, in its transaction', async () => {
      const t = await makeTestApp();
      const before = await t.services.log.checkpoint();
      expectProblem(
        await t.http
          .post('/v1/bundles')
          .send({ namespace: 'x', claims: [{ key: 'a', text: 'a' }], links: [{ statement: 'nope', claim: 'a', stance: 'supports' }] }),
        422,
      );
      const after = await t.services.log.checkpoint();
      assert.equal(after.size, before.size);
      assert.deepEqual(after.root, before.root);
      const nodes = ((await t.db.queryFirst('SELECT count(*) AS n FROM merkle_nodes')) as { n: number }).n;
      await t.http.post('/v1/claims').send({ text: 'one more' }).expect(201);
      assert.equal((await t.services.log.checkpoint()).size, before.size + 1);
      assert.ok(((await t.db.queryFirst('SELECT count(*) AS n FROM merkle_nodes')) as { n: number }).n > nodes);
    });
  });

  describe('GET /v1/log/checkpoint', () => {
    it('is a C2SP checkpoint signed with the key at /v1/log/key', async () => {
      const t = await makeTestApp({ demo: true });
      const res = await t.as('reader').get('/v1/log/checkpoint').expect(200);
      assert.match(res.headers['content-type'], /^text\/plain/);
      const vkey = (await t.as('reader').get('/v1/log/key').expect(200)).text.trim();
      const cp = openCheckpoint(res.text, vkey);
      const size = ((await t.db.queryFirst('SELECT count(*) AS n FROM changes')) as { n: number }).n;
      assert.equal(cp.size, size);
      assert.ok(cp.root.equals(rfc(await entries(t, size)).MTH(0, size)));
      assert.ok(cp.time && Math.abs(Date.parse(cp.time) - Date.now()) < 60000);
      const lines = res.text.split('\n');
      assert.deepEqual(lines.slice(0, 2), [cp.origin, String(size)]);
      assert.match(lines.at(-2)!, /^\u2014 \S+ [A-Za-z0-9+/]+=*$/);
      // Any edit of the body breaks the signature.
      assert.throws(() => openCheckpoint(res.text.replace(`\n${size}\n`, `\n${size + 1}\n`), vkey), /does not verify/);
      assert.throws(() => openCheckpoint(res.text, LogSigner.generate(cp.origin).verifierKey), /malformed|does not verify/);
    });

    it('opens the C2SP signed-note example with its published key', () => {
      const note =
        'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
      const opened = openNote(note, 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
      assert.equal(opened.text, 'This is an example message.\n');
      assert.throws(() =>
        openNote(
          note.replace('example message', 'example massage'),
          'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
        ),
      );
    });
  });

  describe('the signing key file', () => {
    it('is created on first use with mode 0600, reused after, and refused when others can read it', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-key-'));
      const file = path.join(dir, 'keys', 'log.key');
      const first = LogSigner.fromFile(file, 'example.org/log');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(readFileSync(file, 'utf8'), /BEGIN PRIVATE KEY/);
      const again = LogSigner.fromFile(file, 'example.org/log');
      assert.equal(again.verifierKey, first.verifierKey);
      chmodSync(file, 0o644);
      assert.throws(() => LogSigner.fromFile(file, 'example.org/log'), /readable by others/);
    });

    describe('when several processes start at once and find none', () => {
      it('gives them all the one key the first of them wrote, and leaves no other file', async function () {
        this.timeout(60_000);
        const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-key-race-'));
        const file = path.join(dir, 'log.key');
        const module = new URL('../src/log/checkpoint.ts', import.meta.url).href;
        // Each child waits for the same moment, so that they look for the file together.
        const at = Date.now() + 3000;
        const script = `const { LogSigner } = await import(${JSON.stringify(module)});
          while (Date.now() < ${at}) {}
          process.stdout.write(LogSigner.fromFile(${JSON.stringify(file)}, 'example.org/log').verifierKey);`;
        const run = () =>
          new Promise<string>((resolve, reject) => {
            execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (err, stdout, stderr) =>
              err ? reject(new Error(stderr || err.message)) : resolve(stdout),
            );
          });
        const keys = await Promise.all(Array.from({ length: 6 }, run));
        assert.equal(new Set(keys).size, 1, keys.join('\n'));
        assert.equal(keys[0], LogSigner.fromFile(file, 'example.org/log').verifierKey);
        assert.deepEqual(readdirSync(dir), ['log.key']);
      });
    });
  });
});

describe('reports and exports pin the log', () => {
  it('every audit report carries the signed checkpoint it was computed at, inside its digest', async () => {
    const t = await makeTestApp({ demo: true });
    const vkey = (await t.as('reader').get('/v1/log/key').expect(200)).text.trim();
    const size = ((await t.db.queryFirst('SELECT count(*) AS n FROM changes')) as { n: number }).n;
    const doc = ((await t.db.queryFirst('SELECT min(id) AS id FROM documents')) as { id: number }).id;
    const one = (await t.as('reader').get(`/v1/audits/documents/${doc}`).expect(200)).body;
    const all = JSON.parse((await t.as('reader').get('/v1/audits').buffer(true).expect(200)).text);
    for (const report of [one, all]) {
      const cp = openCheckpoint(report.checkpoint.note, vkey);
      assert.equal(cp.size, size);
      assert.equal(report.checkpoint.treeSize, size);
      assert.equal(cp.root.toString('hex'), report.checkpoint.rootHash);
      assert.equal((await t.as('reader').post('/v1/audits/verify').send(report).expect(200)).body.intact, true);
      const moved = { ...report, checkpoint: { ...report.checkpoint, treeSize: size - 1 } };
      assert.equal((await t.as('reader').post('/v1/audits/verify').send(moved).expect(200)).body.intact, false);
    }
  });

  it('exports carry the checkpoint in a header', async () => {
    const t = await makeTestApp({ demo: true });
    const vkey = (await t.as('reader').get('/v1/log/key').expect(200)).text.trim();
    const doc = ((await t.db.queryFirst('SELECT min(id) AS id FROM documents')) as { id: number }).id;
    const res = await t.as('reader').get(`/v1/exports/prov?documentId=${doc}`).expect(200);
    const cp = openCheckpoint(Buffer.from(res.headers['whosaid-log-checkpoint'], 'base64').toString('utf8'), vkey);
    assert.equal(cp.size, ((await t.db.queryFirst('SELECT count(*) AS n FROM changes')) as { n: number }).n);
    const anon = await t.anon.get(`/v1/exports/prov?documentId=${doc}`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers['whosaid-log-checkpoint'], undefined);
  });
});
