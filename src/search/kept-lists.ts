// The statements holding each rare word, as searches read them, kept for later searches: a pasted quote
// shares most of its words with quotes pasted before, and FTS5 would otherwise open and walk each of their
// lists again to tell which statements hold them all (a fixed cost per word, most of a new paste's time
// once its new words are counted).

/** At most this many ids are kept in all (~8 MB); the least recently used lists go first. */
const MAX_IDS = 1_000_000;

/**
 * Lists are exact, not estimates: they decide which statements match. So every list kept was read after
 * `version` was observed, and the lists are used only once the database's version is seen unchanged
 * since (`fresh`): no write can have come between. A changed version drops them all.
 */
export class KeptLists {
  private readonly lists = new Map<string, number[]>();
  private ids = 0;
  /** The database's version before any kept list was read; null: not observed yet. */
  private version: string | null = null;

  get(key: string): number[] | undefined {
    const list = this.lists.get(key);
    if (list) {
      // Most recently used last, so the oldest go first when full.
      this.lists.delete(key);
      this.lists.set(key, list);
    }
    return list;
  }

  keep(key: string, list: number[]): void {
    const old = this.lists.get(key);
    if (old) {
      this.ids -= old.length;
      this.lists.delete(key);
    }
    this.lists.set(key, list);
    this.ids += list.length;
    for (const [k, l] of this.lists) {
      if (this.ids <= MAX_IDS) break;
      this.lists.delete(k);
      this.ids -= l.length;
    }
  }

  /** Whether a version was observed: until one is, a list read cannot be known exact later. */
  get observed(): boolean {
    return this.version !== null;
  }

  /** The database's version before the first list is read (null, unknown: nothing observed yet). */
  observe(version: string | null): void {
    this.version ??= version;
  }

  /** fresh() as answered in the current synchronous run (see freshNow). */
  private answered: boolean | undefined;

  /**
   * fresh(read()), read once per synchronous run: a search writes nothing, so no write of this process can
   * come between two of its checks before it next awaits (and the database's version costs a statement).
   */
  freshNow(read: () => string | null): boolean {
    if (this.answered === undefined) {
      this.answered = this.fresh(read());
      queueMicrotask(() => {
        this.answered = undefined;
      });
    }
    return this.answered;
  }

  /**
   * Whether the lists kept are still exact, given the database's version now. If not, they are dropped
   * and later reads are kept against this version. An unknown version (null: inside a transaction, whose
   * uncommitted rows the lists may hold; PostgreSQL) tells nothing: the lists are not used.
   */
  private fresh(version: string | null): boolean {
    if (version === null) return false;
    if (version === this.version) return true;
    this.lists.clear();
    this.ids = 0;
    this.version = version;
    return false;
  }
}
