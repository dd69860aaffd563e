import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { createApp } from '../src/app.js';
import { OPERATOR } from '../src/access/field-permissions.js';
import { chainHash, changeEntry } from '../src/db/functions.js';
import { openMigrated } from '../src/db/open.js';
import { LogSigner, openCheckpoint } from '../src/log/checkpoint.js';
import { leafHash, MemoryTree, nodeHash } from '../src/log/merkle.js';
import type { ChangeVerification } from '../src/generated/schema-types.js';
import { demoBundle, schemaRegistry } from './helpers/test-app.js';
import type { ChangeRow } from './helpers/rows.js';

const signer = LogSigner.generate('tamper.test/log');

/** A database file with the demo, a few edits and a revoked key, and the checkpoint saved at the end. */
async function freshLog(): Promise<{ file: string; checkpoint: string; keyId: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-tamper-'));
  const file = path.join(dir, 'whosaid.db');
  const db = await openMigrated(file);
  const { services } = createApp({ db, registry: schemaRegistry(), logSigner: signer });
  const keyId = await db.writeAs(OPERATOR, async () => {
    await services.bundles.apply(demoBundle());
    const k = await services.keys.create('desk', 'journalist', null);
    await services.keys.revoke(k.key.id, null);
    return k.key.id;
  });
  const checkpoint = (await services.log.checkpoint()).note;
  await db.close();
  return { file, checkpoint, keyId };
}

/** What `whosaid verify --checkpoint` reports for the file as it is now. */
async function verify(file: string, checkpoint: string): Promise<ChangeVerification> {
  const db = await openMigrated(file);
  try {
    const { services } = createApp({ db, registry: schemaRegistry(), logSigner: signer });
    return await services.changes.verify(openCheckpoint(checkpoint, signer.verifierKey));
  } finally {
    await db.close();
  }
}

/** The attacker: the SQLite file and the published algorithms, no key. Writes to data tables skip history. */
function attacker(file: string) {
  const db = new BetterSqlite3(file);
  db.function('ws_history_enabled', () => 0);
  // The triggers name the service's functions; the WHEN above keeps them from ever running.
  for (const f of ['ws_now', 'ws_key_id', 'ws_commit']) db.function(f, { varargs: true }, () => null);
  db.function('ws_node_hash', (l: Buffer, r: Buffer) => nodeHash(l, r));
  for (const f of ['ws_chain_hash', 'ws_leaf_hash']) db.function(f, { varargs: true }, () => null);
  return db;
}

/** Recomputes every hash from `fromSeq` on, as a forger covering their tracks would, and rebuilds the tree. */
function rehash(db: BetterSqlite3.Database) {
  const rows = db.prepare('SELECT * FROM changes ORDER BY seq').all() as ChangeRow[];
  let prev = '';
  const tree = new MemoryTree();
  const update = db.prepare('UPDATE changes SET prev_hash = ?, hash = ?, leaf_hash = ? WHERE seq = ?');
  for (const r of rows) {
    const fields = [r.seq, r.at, r.key_id, r.action, r.record_type, r.record_id, r.before, r.after] as const;
    const hash = chainHash(prev, ...fields);
    const leaf = leafHash(changeEntry(...fields));
    update.run(prev, hash, leaf, r.seq);
    tree.append(leaf);
    prev = hash;
  }
  db.prepare('DELETE FROM merkle_nodes').run();
  const insert = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  tree.levels.forEach((level, l) => level.forEach((h, i) => insert.run(l, i, h)));
}

const seqOf = (db: BetterSqlite3.Database, where: string) =>
  (db.prepare(`SELECT min(seq) AS s FROM changes WHERE ${where}`).get() as { s: number }).s as number;

interface Case {
  /** The edit; returns what verify must name (a seq or a record "type id"). */
  edit(db: BetterSqlite3.Database, ctx: { keyId: number }): { seq?: number; record?: string; reason?: RegExp; kind: string };
}

const CASES: Record<string, Case> = {
  'update a change': {
    edit(db) {
      const seq = seqOf(db, `record_type = 'statement'`);
      db.prepare(`UPDATE changes SET after = json_set(after, '$.text', 'forged') WHERE seq = ?`).run(seq);
      return { seq, kind: 'leaf' };
    },
  },
  'delete a change': {
    edit(db) {
      const seq = seqOf(db, `record_type = 'relay'`);
      db.prepare('DELETE FROM changes WHERE seq = ?').run(seq);
      return { kind: 'chain', reason: new RegExp(`change ${seq} is missing`) };
    },
  },
  'swap two changes': {
    edit(db) {
      const a = db.prepare('SELECT * FROM changes WHERE seq = 10').get() as ChangeRow;
      const b = db.prepare('SELECT * FROM changes WHERE seq = 11').get() as ChangeRow;
      const set = db.prepare('UPDATE changes SET record_type = ?, record_id = ?, action = ?, before = ?, after = ? WHERE seq = ?');
      set.run(b.record_type, b.record_id, b.action, b.before, b.after, 10);
      set.run(a.record_type, a.record_id, a.action, a.before, a.after, 11);
      return { seq: 10, kind: 'leaf' };
    },
  },
  'truncate the tail': {
    edit(db) {
      const max = (db.prepare('SELECT max(seq) AS m FROM changes').get() as { m: number }).m;
      db.prepare('DELETE FROM changes WHERE seq > ?').run(max - 5);
      rehash(db);
      return { kind: 'checkpoint' };
    },
  },
  'delete all changes': {
    edit(db) {
      db.prepare('DELETE FROM changes').run();
      db.prepare('DELETE FROM merkle_nodes').run();
      return { kind: 'checkpoint' };
    },
  },
  'delete a change and re-hash the rest': {
    edit(db) {
      const seq = seqOf(db, `record_type = 'claim'`);
      db.prepare('DELETE FROM changes WHERE seq = ?').run(seq);
      db.prepare('UPDATE changes SET seq = seq - 1 WHERE seq > ?').run(seq);
      rehash(db);
      return { kind: 'checkpoint' };
    },
  },
  'update a change and re-hash everything after it': {
    edit(db) {
      const seq = seqOf(db, `record_type = 'statement'`);
      db.prepare(`UPDATE changes SET after = json_set(after, '$.text', 'forged') WHERE seq = ?`).run(seq);
      rehash(db);
      return { kind: 'checkpoint' };
    },
  },
  'append a forged change': {
    edit(db) {
      const last = db.prepare('SELECT * FROM changes ORDER BY seq DESC LIMIT 1').get() as ChangeRow;
      const target = db.prepare(`SELECT * FROM changes WHERE record_type = 'statement' ORDER BY seq DESC LIMIT 1`).get() as ChangeRow;
      const after = JSON.stringify({ ...JSON.parse(target.after), text: 'They never said this' });
      const seq = last.seq + 1;
      const fields = [seq, new Date().toISOString(), null, 'update', 'statement', target.record_id, target.after, after] as const;
      db.prepare(
        'INSERT INTO changes (seq, at, key_id, action, record_type, record_id, before, after, prev_hash, hash, leaf_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
      ).run(...fields, last.hash, chainHash(last.hash, ...fields), leafHash(changeEntry(...fields)));
      rehash(db);
      return { record: `statement ${target.record_id}`, kind: 'state' };
    },
  },
  "edit a statement's text around the history": {
    edit(db) {
      const id = (db.prepare('SELECT min(id) AS id FROM statements').get() as { id: number }).id;
      db.prepare(`UPDATE statements SET text = 'forged' WHERE id = ?`).run(id);
      return { record: `statement ${id}`, kind: 'state' };
    },
  },
  'forge an attestation': {
    edit(db) {
      const id = (db.prepare(`SELECT min(id) AS id FROM actors WHERE identity_status = 'anonymous'`).get() as { id: number }).id;
      db.prepare(`UPDATE actors SET attestation = '{"by":"nobody","at":"2024-01-01T00:00:00Z"}' WHERE id = ?`).run(id);
      return { record: `actor ${id}`, kind: 'state' };
    },
  },
  'insert an admin key': {
    edit(db) {
      const r = db
        .prepare(`INSERT INTO api_keys (name, role, hash, created_at) VALUES ('backdoor', 'admin', ?, '2024-01-01T00:00:00Z')`)
        .run('0'.repeat(64));
      return { record: `key ${r.lastInsertRowid}`, kind: 'state' };
    },
  },
  'un-revoke a key': {
    edit(db, { keyId }) {
      db.prepare('UPDATE api_keys SET revoked_at = NULL WHERE id = ?').run(keyId);
      return { record: `key ${keyId}`, kind: 'state' };
    },
  },
};

describe('tamper suite: direct edits of the SQLite file', () => {
  it('a clean database verifies against the checkpoint saved from it', async () => {
    const { file, checkpoint } = await freshLog();
    const v = await verify(file, checkpoint);
    assert.deepEqual(v.problems, []);
    assert.equal(v.intact, true);
    assert.equal(v.checkpoint?.consistent, true);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: named by verify --checkpoint or state reconciliation`, async () => {
      const { file, checkpoint, keyId } = await freshLog();
      const db = attacker(file);
      const expected = db.transaction(() => c.edit(db, { keyId }))();
      db.close();
      const v = await verify(file, checkpoint);
      assert.equal(v.intact, false);
      const named = v.problems.filter(
        (p) =>
          p.kind === expected.kind &&
          (expected.seq === undefined || p.seq === expected.seq) &&
          (expected.reason === undefined || expected.reason.test(p.reason)) &&
          (expected.record === undefined || `${p.recordType} ${p.recordId}` === expected.record),
      );
      assert.ok(
        named.length > 0,
        `expected a ${expected.kind} problem naming ${expected.seq ?? expected.record ?? 'the log'}: ${JSON.stringify(v.problems)}`,
      );
      if (expected.kind === 'checkpoint') assert.equal(v.checkpoint?.consistent, false);
    });
  }

  it('npm run verify -- --checkpoint exits 0 when clean and 1 naming the damage', async function () {
    this.timeout(60000);
    const { file, checkpoint } = await freshLog();
    const saved = path.join(path.dirname(file), 'saved.txt');
    writeFileSync(saved, checkpoint);
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/cli/whosaid.ts', 'verify', ...args], { env: { ...process.env, WHOSAID_DB: file } }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }),
      );
    const clean = await run(['--checkpoint', saved, '--key', signer.verifierKey]);
    assert.equal(clean.code, 0, clean.out);
    assert.match(clean.out, /append-only extension/);
    const db = attacker(file);
    CASES['delete a change and re-hash the rest'].edit(db, { keyId: 0 });
    db.close();
    const broken = await run(['--checkpoint', saved, '--key', signer.verifierKey]);
    assert.equal(broken.code, 1, broken.out);
    assert.match(broken.out, /NOT an extension of the saved checkpoint/);
    const wrongKey = await run(['--checkpoint', saved, '--key', LogSigner.generate('tamper.test/log').verifierKey]);
    assert.equal(wrongKey.code, 2, wrongKey.out);
  });
});
