/**
 * One process, several SQLite connections: the main thread's and a worker's. SQLite lets one of them write
 * at a time, and a main-thread write that finds the database locked would wait for the lock synchronously,
 * stalling every request. So a worker's write job holds this gate for its whole transaction, and
 * main-thread writes wait for it asynchronously (mount.ts) before they begin: the lock is never contended
 * inside the process, and the event loop never waits on it.
 */
export class WriteGate {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** True while a worker's write job holds the gate. */
  get busy(): boolean {
    return this.holders > 0;
  }

  /** Resolves once no write job holds the gate (at once when none does). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Runs `fn` holding the gate; write jobs run one after the other. */
  hold<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      this.holders++;
      return fn().finally(() => this.holders--);
    });
    // The next holder waits for this one whatever its outcome.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
