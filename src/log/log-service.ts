import { changeEntry } from '../db/functions.js';
import type { LogConsistency, LogInclusion } from '../generated/schema-types.js';
import { HttpError, notFound } from '../http/problem.js';
import type { LogSigner } from './checkpoint.js';
import type { LogRepository } from './log-repository.js';
import { consistencyProof, inclusionProof, rootOf } from './merkle.js';

const hex = (b: Buffer) => b.toString('hex');

const beyond = (size: number, current: number) =>
  new HttpError(
    422,
    'unprocessable',
    'The request cannot be applied',
    `The log has ${current} entries; a tree of ${size} does not exist yet.`,
  );

/** Checkpoints and proofs over the stored tree: each costs O(log n) node reads (O(log² n) for a proof). */
export class LogService {
  constructor(
    private readonly repo: LogRepository,
    readonly signer: LogSigner,
  ) {}

  /** The signed checkpoint of the log as it is now. */
  async checkpoint(): Promise<{ size: number; root: Buffer; note: string }> {
    const size = await this.repo.size();
    const root = await this.repo.withTree(size, (tree) => rootOf(tree));
    return { size, root, note: this.signer.checkpoint(size, root) };
  }

  /** The checkpoint as an audit report carries it. */
  async reportCheckpoint(): Promise<{ treeSize: number; rootHash: string; note: string }> {
    const c = await this.checkpoint();
    return { treeSize: c.size, rootHash: hex(c.root), note: c.note };
  }

  /** The record type of a change, so access can be decided before a proof is built. */
  async recordTypeOf(seq: number): Promise<string> {
    const leaf = await this.repo.leaf(seq);
    if (!leaf) throw notFound('change', seq);
    return leaf.record_type;
  }

  async inclusion(seq: number, treeSize?: number): Promise<LogInclusion> {
    const size = await this.repo.size();
    const n = treeSize ?? size;
    if (n > size) throw beyond(n, size);
    const leaf = await this.repo.leaf(seq);
    if (!leaf) throw notFound('change', seq);
    if (seq > n)
      throw new HttpError(422, 'unprocessable', 'The request cannot be applied', `Change ${seq} is not in the tree of ${n} entries.`);
    const entry = changeEntry(leaf.seq, leaf.at, leaf.key_id, leaf.action, leaf.record_type, leaf.record_id, leaf.before, leaf.after);
    return this.repo.withTree(size, (tree) => ({
      seq,
      leafIndex: seq - 1,
      treeSize: n,
      entry,
      leafHash: hex(tree.hash(seq - 1, seq)),
      rootHash: hex(rootOf(tree, n)),
      proof: inclusionProof(tree, seq - 1, n).map(hex),
    }));
  }

  async consistency(from: number, to?: number): Promise<LogConsistency> {
    const size = await this.repo.size();
    const n = to ?? size;
    if (n > size) throw beyond(n, size);
    if (from > n) throw new HttpError(422, 'unprocessable', 'The request cannot be applied', `from (${from}) must not exceed to (${n}).`);
    return this.repo.withTree(size, (tree) => ({
      from,
      to: n,
      fromRoot: hex(rootOf(tree, from)),
      toRoot: hex(rootOf(tree, n)),
      proof: consistencyProof(tree, from, n).map(hex),
    }));
  }
}
