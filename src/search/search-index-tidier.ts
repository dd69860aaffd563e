import type { TidyResult } from './search-index-service.js';

/**
 * After a bulk write, the index's merge work is done in bounded jobs (each a tidy of at most
 * TIDY_BUDGET_PAGES), one after another until none is left, after the write has answered: the writer never
 * waits for it, and other writes take their turn between jobs (the write gate is first come, first served).
 * Requests that come while a run is going make it look again once it has finished.
 */
export class SearchIndexTidier {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly tidy: () => Promise<TidyResult>,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Tidies after a write (returns at once). */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((err) => {
        if (!this.stopped) this.failed(err);
      })
      .finally(() => {
        this.running = null;
      });
  }

  /** Settles when no tidy is running. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** No more tidies (the server is stopping; a running one is abandoned with the job runner). */
  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      while (!this.stopped && !(await this.tidy()).done);
    } while (this.again && !this.stopped);
  }
}
