import { hash } from 'node:crypto';
import type { Bundle, BundleItemResult, BundleRef, BundleResult } from '../generated/schema-types.js';
import { rebased, unprocessable, type InputPlace } from '../http/problem.js';
import { canonicalize } from '../shared/canonical-json.js';
import { hasConfidential, withoutConfidential } from '../access/field-permissions.js';
import type { BundleRepository, KnownKey, RecordType } from './bundle-repository.js';

// The digest that tells an unchanged item from a changed one on a second post.
const digest = (item: unknown): string => hash('sha256', canonicalize(item));

// In the order their keys are checked; a bundle lists each type's items under its plural.
const TYPES: RecordType[] = ['actor', 'document', 'statement', 'relay', 'claim', 'tag'];

/**
 * One application of a bundle, shared by the appliers: the ids written so far by key, how a reference
 * resolves, and the outcome of each item.
 */
export class BundleRun {
  private readonly ids = new Map<RecordType, Map<string, number>>(TYPES.map((t) => [t, new Map()]));
  private readonly declared = new Map<RecordType, Set<string>>();
  /** What the bundle's keys already stand for, read for a whole type at its first item. */
  private readonly known = new Map<RecordType, Map<string, KnownKey>>();
  readonly items: BundleItemResult[] = [];
  /** Keys written by this run, stored together at the end (no item of this run reads them back). */
  private readonly written: Array<[type: RecordType, key: string, recordId: number, digest: string]> = [];

  constructor(
    private readonly repo: BundleRepository,
    readonly bundle: Bundle,
  ) {
    for (const type of TYPES) {
      const field = `${type}s` as const;
      const seen = new Set<string>();
      bundle[field]?.forEach((it, i) => {
        if (seen.has(it.key))
          throw unprocessable(`/${field}/${i}: key '${it.key}' is used twice.`, [
            { in: 'body', pointer: `/${field}/${i}/key`, message: `duplicates an earlier ${type} key` },
          ]);
        seen.add(it.key);
      });
      this.declared.set(type, seen);
    }
  }

  /** The id a reference names: an existing record's id, or the key of an item written earlier in this bundle. */
  async resolve(type: RecordType, ref: BundleRef | null | undefined, pointer: string): Promise<number | null> {
    if (ref === null || ref === undefined) return null;
    if (typeof ref === 'number') {
      if (!(await this.repo.exists(type, ref)))
        throw unprocessable(`${pointer}: no ${type} with id ${ref}.`, [
          { in: 'body', pointer, message: `must be the key of a ${type} in this bundle or the id of an existing one` },
        ]);
      return ref;
    }
    const id = this.idOf(type, ref);
    if (id === undefined) {
      const why = this.declared.get(type)!.has(ref)
        ? `refers to ${type} '${ref}' before it can exist (a cycle of references)`
        : `names no ${type} with key '${ref}' in this bundle`;
      throw unprocessable(`${pointer}: ${why}.`, [{ in: 'body', pointer, message: why }]);
    }
    return id;
  }

  idOf(type: RecordType, key: string): number | undefined {
    return this.ids.get(type)!.get(key);
  }

  /**
   * Creates, updates or recognises one keyed item. `write` gets the id the key already stands for (null
   * for a new item); its errors are re-pointed at the item (`at`; none for items written unchanged).
   */
  async upsert(
    type: RecordType,
    item: { key: string },
    write: (existingId: number | null) => Promise<number>,
    at?: InputPlace,
  ): Promise<void> {
    // Confidential fields never decide the answer, so a re-post cannot test a guess of them; an item
    // carrying any is always written, so its writer is always authorized for them.
    const d = digest(withoutConfidential(type, item));
    const known = (await this.knownOf(type)).get(item.key);
    let id: number;
    let outcome: BundleItemResult['outcome'];
    if (known && known.digest === d && !hasConfidential(type, item)) {
      id = known.recordId;
      outcome = 'existing';
    } else {
      const existing = known ? known.recordId : null;
      id = await (at ? rebased(() => write(existing), at) : write(existing));
      outcome = known ? 'updated' : 'created';
      this.written.push([type, item.key, id, d]);
    }
    this.ids.get(type)!.set(item.key, id);
    this.items.push({ type, key: item.key, id, outcome });
  }

  // Read once per type, before its first item is written: only an item's own write changes what its
  // key stands for (a changed tag replaces its own record), and each key is read before that write.
  private async knownOf(type: RecordType): Promise<Map<string, KnownKey>> {
    let known = this.known.get(type);
    if (!known) {
      known = await this.repo.lookupAll(this.bundle.namespace, type, this.declared.get(type)!);
      this.known.set(type, known);
    }
    return known;
  }

  /** Stores what the keys became, then the outcome of the whole bundle. */
  async finish(): Promise<BundleResult> {
    await this.repo.rememberAll(this.bundle.namespace, this.written);
    const count = (o: string) => this.items.filter((x) => x.outcome === o).length;
    const { namespace } = this.bundle;
    return { namespace, created: count('created'), updated: count('updated'), existing: count('existing'), items: this.items };
  }
}

/** Where a bundle item's service errors point: the item, with the service's id fields named as in the bundle. */
export const itemAt = (item: string, renames: Record<string, string> = {}): InputPlace => ({
  prefix: item,
  item,
  renames: Object.fromEntries(Object.entries(renames).map(([field, bundleField]) => [field, `/${bundleField}`])),
});
