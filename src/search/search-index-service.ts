import type { SearchIndexRepository } from './search-index-repository.js';
import type { SearchIndex } from './search-repository.js';

const INDEXES: SearchIndex[] = ['words', 'fragments'];

/** Pages of merge work per FTS5 'merge' command: some 30 ms each on the bench machine. */
export const MERGE_SLICE_PAGES = 200;
/** Pages of merge work one tidy does at most, over both indexes; the rest waits for the next tidy. */
export const TIDY_BUDGET_PAGES = 2_000;
/**
 * An index is merged whole when its largest segment holds less than this share of it: so much was
 * written since it was last whole (a generated or loaded database, many bundles) that rewriting it all
 * costs at most 1 / (1 - share) pages per page written since. Otherwise only segments of a level are merged.
 */
export const WHOLE_BELOW = 0.75;

export interface TidyResult {
  /** Merge commands that did work. */
  slices: number;
  /** True when no merge work is left; false when the budget ran out first. */
  done: boolean;
}

export interface OptimizeResult {
  index: SearchIndex;
  segmentsBefore: number | null;
  segmentsAfter: number | null;
  ms: number;
}

/**
 * Keeps the full-text indexes few-segmented without an operator: after a bulk write (a bundle, the demo,
 * a generated database) the service tidies them with bounded merge work, and `whosaid optimize-search`
 * merges everything into one segment when an operator chooses to (docs/operations.md).
 */
export class SearchIndexService {
  constructor(private readonly repo: SearchIndexRepository) {}

  /** Merge work, in slices, until none is left or `budget` pages are spent (Infinity: until none is left). */
  async tidy(budget: number = TIDY_BUDGET_PAGES): Promise<TidyResult> {
    let spent = 0;
    let slices = 0;
    for (const index of INDEXES) {
      const sizes = await this.repo.segments(index);
      const whole = sizes !== null && sizes.length > 1 && Math.max(...sizes) < WHOLE_BELOW * sizes.reduce((a, b) => a + b, 0);
      for (;;) {
        if (spent >= budget) return { slices, done: false };
        const pages = Math.min(MERGE_SLICE_PAGES, budget - spent);
        if (!(await this.repo.merge(index, pages, whole))) break;
        spent += pages;
        slices++;
      }
    }
    return { slices, done: true };
  }

  /** Each index merged into one segment. */
  async optimize(): Promise<OptimizeResult[]> {
    const out: OptimizeResult[] = [];
    for (const index of INDEXES) {
      const segmentsBefore = (await this.repo.segments(index))?.length ?? null;
      const t = performance.now();
      await this.repo.optimize(index);
      out.push({ index, segmentsBefore, segmentsAfter: (await this.repo.segments(index))?.length ?? null, ms: performance.now() - t });
    }
    return out;
  }
}
