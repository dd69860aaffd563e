/**
 * Values read from the database, kept while its read version (Db.readVersion) stays the same: the first
 * lookup under a new version empties the cache, so nothing kept outlives a commit, whoever made it. A
 * value is kept under the version read before it was computed: had a commit landed meanwhile, the version
 * has moved on and the value is never served. Bounded by count and by total weight (e.g. bytes); the
 * oldest entry goes first.
 */
export class ReadCache<V> {
  private version: string | null = null;
  private readonly entries = new Map<string, V>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
    private readonly weigh: (value: V) => number = () => 0,
  ) {}

  /** The value kept for `key`, if the database is still at `version` (null: never anything). */
  get(key: string, version: string | null): V | undefined {
    if (version === null) return undefined;
    if (version !== this.version) {
      this.entries.clear();
      this.weight = 0;
      this.version = version;
      return undefined;
    }
    return this.entries.get(key);
  }

  /** Keeps `value`, computed from the database at `version`, unless the database has moved on since. */
  set(key: string, version: string | null, value: V): void {
    if (version === null || version !== this.version) return;
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.weight -= this.weigh(old);
    }
    while (this.entries.size >= this.maxEntries || this.weight + weight > this.maxWeight) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, V];
      this.entries.delete(oldestKey);
      this.weight -= this.weigh(oldest);
    }
    this.entries.set(key, value);
    this.weight += weight;
  }

  get size(): number {
    return this.entries.size;
  }
}
