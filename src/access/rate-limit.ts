import { HttpError } from '../http/problem.js';

/**
 * Fixed one-minute windows per bucket name ("key:12", "addr:127.0.0.1"). In memory: one process serves
 * one database file, so one process holds every counter.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** False when configured with no limit: callers then skip building the bucket name. */
  get enabled(): boolean {
    return this.perMinute > 0;
  }

  hit(bucket: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    let w = this.windows.get(bucket);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { count: 0, resetAt: now + 60_000 };
      this.windows.set(bucket, w);
    }
    w.count++;
    if (w.count > this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
      throw new HttpError(
        429,
        'rate-limited',
        'Too many requests',
        `More than ${this.perMinute} requests a minute; try again in ${retryAfter} s.`,
        { retryAfter },
      );
    }
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
