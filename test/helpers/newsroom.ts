// A newsroom on SQLite with a history worth moving, and the CLI that moves it, for the migrate-to-postgres tests.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import type { Db } from '../../src/db/db.js';
import { openMigrated } from '../../src/db/open.js';
import { LogSigner } from '../../src/log/checkpoint.js';
import { createLogger } from '../../src/logging/logger.js';
import { demoBundle, schemaRegistry } from './test-app.js';

export const LOG_ORIGIN = 'move.test/log';

export interface Newsroom {
  file: string;
  signer: LogSigner;
  /** The admin key's secret: keys move with the database, so it works on PostgreSQL too. */
  key: string;
  /** What the CLI needs to find the log's key. */
  env: NodeJS.ProcessEnv;
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Builds dist/ if stale, so the CLI runs compiled as a user runs it. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, ['-e', "import('./scripts/build.mjs').then((m) => m.ensureBuilt())"], { stdio: 'pipe' });
}

/** The CLI as a user runs it (compiled, under plain node), with nothing but `env` configuring it. */
export function whosaid(args: string[], env: NodeJS.ProcessEnv): Ran {
  const r = spawnSync(process.execPath, ['bin/whosaid.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, WHOSAID_DB: '', WHOSAID_DATABASE_URL: '', ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The app over a database, signing with the newsroom's key; an agent carrying its admin key. */
export function deskOver(db: Db, room: Newsroom) {
  // Jobs inline (no worker threads): nothing is left running when the test ends.
  const { app, services } = createApp({
    db,
    registry: schemaRegistry(),
    logSigner: room.signer,
    logger: createLogger({ level: 'silent' }),
    jobWorkers: 0,
  });
  return { app, services, http: request.agent(app).set('Authorization', `Bearer ${room.key}`) };
}

/**
 * The demo story, then what a newsroom does to it: edits, a confidential attestation and notes (changed
 * once), a reference to a later record, a deleted tag and a deleted actor, a key made and revoked.
 */
export async function sqliteNewsroom(dir: string): Promise<Newsroom> {
  const file = path.join(dir, 'news.db');
  const keyFile = path.join(dir, 'log.key');
  const signer = LogSigner.fromFile(keyFile, LOG_ORIGIN);
  const db = await openMigrated(file);
  try {
    const { services } = deskOver(db, { file, signer, key: '', env: {} });
    const key = (await db.transaction(() => services.keys.create('first admin', 'admin', null))).secret;
    const room = { file, signer, key, env: { WHOSAID_LOG_KEY: keyFile, WHOSAID_LOG_ORIGIN: LOG_ORIGIN } };
    const { http } = deskOver(db, room);
    await http.post('/v1/bundles').send(demoBundle()).expect(201);
    const actors = (await http.get('/v1/actors?limit=200').expect(200)).body.items as Array<{ id: number; identityStatus: string }>;
    const statements = (await http.get('/v1/statements?limit=200').expect(200)).body.items as Array<{ id: number }>;
    const documents = (await http.get('/v1/documents').expect(200)).body.items as Array<{ id: number }>;
    const anonymous = actors.find((a) => a.identityStatus === 'anonymous')!;
    await http
      .patch(`/v1/actors/${anonymous.id}`)
      .send({ attestation: { by: 'standards editor', note: 'met in person' }, confidentialNotes: 'reached through the usual channel' })
      .expect(200);
    await http.patch(`/v1/actors/${anonymous.id}`).send({ confidentialNotes: 'channel changed' }).expect(200);
    await http.patch(`/v1/statements/${statements[0].id}`).send({ context: 'asked about the Reuters report' }).expect(200);
    const later = await http.post('/v1/actors').send({ kind: 'group', identityStatus: 'named', name: 'A later group' }).expect(201);
    await http.patch(`/v1/actors/${actors[0].id}`).send({ actsForId: later.body.id }).expect(200);
    const tags = (await http.get(`/v1/documents/${documents[1].id}/tags`).expect(200)).body.items as Array<{ id: number }>;
    await http.delete(`/v1/tags/${tags[0].id}`).expect(204);
    const doomed = await http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'Deleted later' }).expect(201);
    await http.delete(`/v1/actors/${doomed.body.id}`).expect(204);
    const editor = await http.post('/v1/keys').send({ name: 'desk editor', role: 'editor' }).expect(201);
    await http.delete(`/v1/keys/${editor.body.id}`).expect(204);
    return room;
  } finally {
    await db.close();
  }
}
