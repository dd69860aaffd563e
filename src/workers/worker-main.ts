// The entry of a job worker thread: its own connection to the database file, the job table, and a loop
// answering the main thread's messages one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { createServices, type Services } from '../app.js';
import { openDatabase } from '../db/database.js';
import { createSchemaRegistry, type SchemaRegistry } from '../validation/ajv.js';
import { JOBS, type JobContext, type JobName } from './jobs.js';
import { toWire } from './wire-error.js';

export interface JobMessage {
  id: number;
  name: JobName;
  input: unknown;
}
export type JobReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ReturnType<typeof toWire> };

const { dbFile } = workerData as { dbFile: string };
const db = openDatabase(dbFile);
let services: Services | undefined;
let registry: SchemaRegistry | undefined;
const ctx: JobContext = {
  db,
  registry: () => (registry ??= createSchemaRegistry()),
  services: () => (services ??= createServices(db, ctx.registry())),
};

parentPort?.on('message', async (msg: JobMessage | 'close') => {
  if (msg === 'close') {
    await db.close();
    process.exit(0);
  }
  let reply: JobReply;
  try {
    const job = JOBS[msg.name] as { run(ctx: JobContext, input: unknown): unknown };
    reply = { id: msg.id, ok: true, value: await job.run(ctx, msg.input) };
  } catch (err) {
    reply = { id: msg.id, ok: false, error: toWire(err) };
  }
  parentPort?.postMessage(reply);
});
