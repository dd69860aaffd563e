import { Worker } from 'node:worker_threads';
import type { Services } from '../app.js';
import type { Db, SqliteDb } from '../db/database.js';
import type { SchemaRegistry } from '../validation/ajv.js';
import type { JobName, JobInput, JobOutput, JobContext } from './jobs.js';
import { JOBS } from './jobs.js';
import type { JobMessage, JobReply } from './worker-main.js';
import { fromWire } from './wire-error.js';
import type { WriteGate } from './write-gate.js';

export interface JobRunnerOptions {
  db: Db;
  /** The main thread's services and schemas: jobs run on them, inline, when the database lives in memory. */
  services: Services;
  registry: SchemaRegistry;
  /** Main-thread writes wait on it while a worker writes. */
  gate: WriteGate;
  /** Worker threads at most (default 2; 0: run jobs inline); each is started on first need and holds its own connection. */
  size?: number;
}

interface Pending {
  msg: JobMessage;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

// The compiled build starts worker-main.js; from the sources, tsx-boot.mjs registers tsx and loads the .ts.
function newWorker(dbFile: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker-main.js', import.meta.url), { workerData: { dbFile } });
  const entry = new URL('./worker-main.ts', import.meta.url).href;
  return new Worker(new URL('./tsx-boot.mjs', import.meta.url), { workerData: { dbFile, entry } });
}

/**
 * Runs named jobs (jobs.ts) on worker threads, so a long import or a walk over the whole history never
 * holds the event loop. Each worker opens the database file itself (SQLite WAL: its reads never block
 * the main thread's, nor the main thread's its). An in-memory database cannot be shared between
 * threads, so there the jobs run inline on the main thread: same code, same results, no isolation.
 */
export class JobRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly inline: boolean;

  constructor(private readonly opts: JobRunnerOptions) {
    // Workers open the SQLite file themselves; other databases are not given workers yet.
    this.inline = opts.db.dialect !== 'sqlite' || (opts.db as SqliteDb).sqlite.memory || opts.size === 0;
  }

  /** Runs job `name` with `input` and resolves with its output; a job's HttpError comes back as one. */
  async run<N extends JobName>(name: N, input: JobInput<N>): Promise<JobOutput<N>> {
    if (this.closed) throw new Error('the job runner is closed');
    const def = JOBS[name] as { writes: boolean; run(ctx: JobContext, input: unknown): unknown };
    if (this.inline)
      return (await def.run(
        { db: this.opts.db, services: () => this.opts.services, registry: () => this.opts.registry },
        input,
      )) as JobOutput<N>;
    const send = () =>
      new Promise<unknown>((resolve, reject) => {
        this.queue.push({ msg: { id: this.nextId++, name, input }, resolve, reject });
        this.dispatch();
      });
    return (await (def.writes ? this.opts.gate.hold(send) : send())) as JobOutput<N>;
  }

  /** True once `close` has been called: jobs asked for now are refused. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Waits for nothing: running jobs are abandoned (a write job's transaction rolls back). */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the server is stopping'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.busy === null);
      if (!slot && this.slots.length < (this.opts.size ?? 2)) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Pending;
      slot.busy = job;
      // A running job keeps the process alive; an idle worker does not.
      slot.worker.ref();
      slot.worker.postMessage(job.msg);
    }
  }

  private spawn(): Slot {
    const worker = newWorker((this.opts.db as SqliteDb).sqlite.name);
    worker.unref();
    const slot: Slot = { worker, busy: null };
    worker.on('message', (reply: JobReply) => {
      const job = slot.busy;
      slot.busy = null;
      worker.unref();
      if (job && job.msg.id === reply.id) {
        if (reply.ok) job.resolve(reply.value);
        else job.reject(fromWire(reply.error));
      }
      this.dispatch();
    });
    const lost = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.busy?.reject(err);
      slot.busy = null;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`a job worker stopped (exit code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}
