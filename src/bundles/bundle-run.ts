import { hash } from 'node:crypto';
import type { Bundle, BundleItemResult, BundleRef, BundleResult } from '../generated/schema-types.js';
import { rebase, rebased, unprocessable, type InputPlace } from '../http/problem.js';
import { canonicalize } from '../shared/canonical-json.js';
import { hasConfidential, withoutConfidential } from '../access/field-permissions.js';
import type { BundleRepository, RecordType } from './bundle-repository.js';

// The digest that tells an unchanged item from a changed one on a second post.
const digest = (item: unknown): string => hash('sha256', canonicalize(item));

// In the order their keys are checked; a bundle lists each type's items under its plural.
const TYPES: RecordType[] = ['actor', 'document', 'statement', 'relay', 'claim', 'tag'];

/** How the keyed items of one type become records: the service input of each, and the service's writes. */
export interface ItemWriter<I, In> {
  /**
   * The service input of item `index` of the bundle's list. Asked when the item's turn comes, so it may
   * name items of the same type written just before it (a hop taken from an earlier hop).
   */
  input(item: I, index: number): In;
  /** Creates records one after another in one database call: `input(j)` as each one's turn comes. */
  createEach(count: number, input: (j: number) => In, created: (j: number, id: number) => void): Promise<void>;
  update(id: number, input: In, item: I): Promise<number>;
  /** Where the service's errors about item `index` point; none: answered as the service words them. */
  at?(index: number): InputPlace;
}

/** A new item waiting for its create, with the outcome entry that gets its id then. */
interface Pending<I> {
  item: I;
  index: number;
  digest: string;
  result: BundleItemResult;
}

/**
 * One application of a bundle, shared by the appliers: the ids written so far by key, how a reference
 * resolves, and the outcome of each item.
 */
export class BundleRun {
  private readonly ids = new Map<RecordType, Map<string, number>>(TYPES.map((t) => [t, new Map()]));
  private readonly declared = new Map<RecordType, Set<string>>();
  /** Whether each record the bundle names by id exists, read per type before the items that name them. */
  private readonly exists = new Map<RecordType, Map<number, boolean>>(TYPES.map((t) => [t, new Map()]));
  /** The ids of the records this run created, by type. */
  private readonly created = new Map<RecordType, Set<number>>(TYPES.map((t) => [t, new Set()]));
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

  /**
   * Reads, in one query per type, which of the records these references name by id exist: every reference
   * an applier resolves by id is checked here first, so that `resolve` answers without a query per item.
   */
  async checkIds(refs: Partial<Record<RecordType, Iterable<BundleRef | null | undefined>>>): Promise<void> {
    for (const [type, list] of Object.entries(refs) as Array<[RecordType, Iterable<BundleRef | null | undefined>]>) {
      const known = this.exists.get(type)!;
      const ids = new Set<number>();
      for (const ref of list) if (typeof ref === 'number' && !known.has(ref)) ids.add(ref);
      if (ids.size === 0) continue;
      const found = await this.repo.existing(type, ids);
      for (const id of ids) known.set(id, found.has(id));
    }
  }

  /** The id a reference names: an existing record's id, or the key of an item written earlier in this bundle. */
  resolve(type: RecordType, ref: BundleRef | null | undefined, pointer: string): number | null {
    if (ref === null || ref === undefined) return null;
    if (typeof ref === 'number') {
      const exists = this.exists.get(type)!.get(ref);
      if (exists === undefined) throw new Error(`${pointer}: ${type} id ${ref} was not checked (BundleRun.checkIds) before use`);
      // A record this run wrote after the check exists too (an id named before the bundle told it).
      if (!exists && ![...this.ids.get(type)!.values()].includes(ref))
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

  /** Whether this run created the record (so nothing made before the bundle can name it). */
  isNew(type: RecordType, id: number): boolean {
    return this.created.get(type)!.has(id);
  }

  /**
   * Creates, updates or recognises each keyed item of a type, in `order` (indexes into `list`; the list's
   * own order by default). Unchanged items are recognised without a write; changed ones are updated one
   * by one; each stretch of new ones between them is created in one database call, in the same order, so
   * the records, their ids and the history are what item-by-item writes would make.
   */
  async writeAll<I extends { key: string }, In>(
    type: RecordType,
    list: readonly I[],
    writer: ItemWriter<I, In>,
    order: Iterable<number> = list.keys(),
  ): Promise<void> {
    // Read before the type's first write: only an item's own write changes what its key stands for (a
    // changed tag replaces its own record), and each key is read before that write.
    const known = await this.repo.lookupAll(this.bundle.namespace, type, this.declared.get(type)!);
    const pending: Array<Pending<I>> = [];
    for (const index of order) {
      const item = list[index];
      // Confidential fields never decide the answer, so a re-post cannot test a guess of them; an item
      // carrying any is always written, so its writer is always authorized for them.
      const d = digest(withoutConfidential(type, item));
      const was = known.get(item.key);
      if (!was) {
        pending.push({ item, index, digest: d, result: this.record(type, item.key, 0, 'created') });
        continue;
      }
      // Every item's references are resolved in turn, written or not (a re-post may have dropped a key).
      await this.createAll(type, pending.splice(0), writer);
      const input = writer.input(item, index);
      if (was.digest === d && !hasConfidential(type, item)) {
        this.ids.get(type)!.set(item.key, was.recordId);
        this.record(type, item.key, was.recordId, 'existing');
        continue;
      }
      const at = writer.at?.(index);
      const update = () => writer.update(was.recordId, input, item);
      const id = await (at ? rebased(update, at) : update());
      this.ids.get(type)!.set(item.key, id);
      this.record(type, item.key, id, 'updated');
      this.written.push([type, item.key, id, d]);
    }
    await this.createAll(type, pending, writer);
  }

  /** Creates the pending items in one call; the service's errors point at the item it was writing. */
  private async createAll<I extends { key: string }, In>(
    type: RecordType,
    pending: Array<Pending<I>>,
    writer: ItemWriter<I, In>,
  ): Promise<void> {
    if (pending.length === 0) return;
    let turn = 0;
    // The input's own errors (a reference that does not resolve) already say where they are.
    let inputError: unknown;
    const input = (j: number) => {
      turn = j;
      try {
        return writer.input(pending[j].item, pending[j].index);
      } catch (err) {
        inputError = err;
        throw err;
      }
    };
    const created = (j: number, id: number) => {
      const p = pending[j];
      p.result.id = id;
      this.created.get(type)!.add(id);
      this.ids.get(type)!.set(p.item.key, id);
      this.written.push([type, p.item.key, id, p.digest]);
    };
    try {
      await writer.createEach(pending.length, input, created);
    } catch (err) {
      const at = writer.at?.(pending[turn].index);
      throw err === inputError || !at ? err : rebase(err, at);
    }
  }

  /** The outcome of one keyed item, in the order the items are written (a created one's id comes with its write). */
  private record(type: RecordType, key: string, id: number, outcome: BundleItemResult['outcome']): BundleItemResult {
    const result: BundleItemResult = { type, key, id, outcome };
    this.items.push(result);
    return result;
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
