// After whosaid migrate-to-postgres, the PostgreSQL-backed app shows a standards desk what the SQLite one
// did: the same audit reports, the same history and verification, the same keys.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyReport } from '../src/audits/audit-service.js';
import type { Db } from '../src/db/db.js';
import { openMigrated } from '../src/db/open.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { deskOver, ensureBuilt, type Newsroom, sqliteNewsroom, whosaid } from './helpers/newsroom.js';
import { schemaRegistry } from './helpers/test-app.js';
import { closeAfterTest, emptyPostgresDatabase, testDialect } from './helpers/test-db.js';

/**
 * Everything a standards desk reads, by name: each audit report (every document, claim and actor, and
 * everything) with its digest checked and then set aside with its generation time, since the digest covers
 * the time (reports carry no database name); the checkpoint each carries, by size and root (its note is
 * signed anew, with the time of signing); the verification; the history as the API lists it; the keys.
 */
async function whatTheDeskSees(db: Db, room: Newsroom): Promise<Map<string, unknown>> {
  const { http } = deskOver(db, room);
  const validate = schemaRegistry().validator('audit-report');
  const out = new Map<string, unknown>();
  const report = async (name: string, url: string) => {
    const r = (await http.get(url).expect(200)).body as Record<string, unknown> & { checkpoint: { treeSize: number; rootHash: string } };
    assert.equal(verifyReport(r, validate).intact, true, `${name}: its digest matches its content`);
    const { generatedAt: _g, digest: _d, checkpoint, ...rest } = r;
    out.set(name, { ...rest, checkpoint: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } });
  };
  const ids = async (list: string) =>
    ((await http.get(`${list}?limit=200`).expect(200)).body.items as Array<{ id: number }>).map((x) => x.id);
  for (const id of await ids('/v1/documents')) await report(`document ${id}`, `/v1/audits/documents/${id}`);
  for (const id of await ids('/v1/claims')) await report(`claim ${id}`, `/v1/audits/claims/${id}`);
  for (const id of await ids('/v1/actors')) await report(`actor ${id}`, `/v1/audits/actors/${id}`);
  await report('everything', '/v1/audits');
  out.set('verify', (await http.get('/v1/changes/verify').expect(200)).body);
  out.set('history', (await http.get('/v1/changes?limit=200').expect(200)).body);
  out.set('keys', (await http.get('/v1/keys?revoked=true').expect(200)).body);
  return out;
}

describe('the desk after whosaid migrate-to-postgres', function () {
  this.timeout(180_000);
  let dir: string;

  before(function () {
    if (testDialect !== 'postgres') this.skip(); // needs a PostgreSQL server: npm run test:pg
    ensureBuilt();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-move-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the same audit reports, history, verification and keys on PostgreSQL as on SQLite', async () => {
    const room = await sqliteNewsroom(dir);
    const sqlite = await openMigrated(room.file);
    const before = await whatTheDeskSees(sqlite, room);
    await sqlite.close();
    assert.equal((before.get('verify') as { intact: boolean }).intact, true);

    const url = await emptyPostgresDatabase();
    const moved = whosaid(['--db', room.file, 'migrate-to-postgres', '--to', url], room.env);
    assert.equal(moved.status, 0, moved.stderr);

    const after = await whatTheDeskSees(closeAfterTest(new PostgresDb(url, { size: 4 })), room);
    assert.deepEqual([...after.keys()], [...before.keys()]);
    for (const [name, value] of before) assert.deepEqual(after.get(name), value, name);
  });
});
