import type { Db, Row } from '../db/database.js';
import { type Hash, type SubtreeHashes, subtreeFrom } from './merkle.js';

export type LeafRow = Omit<Row<'changes'>, 'prev_hash' | 'hash'>;

/** The stored Merkle tree: the changes are its leaves, merkle_nodes its complete subtrees. */
export class LogRepository implements SubtreeHashes {
  constructor(private readonly db: Db) {}

  get size(): number {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM changes').get() as { n: number }).n;
  }

  node(level: number, idx: number): Hash | undefined {
    const row = this.db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?').get(level, idx) as
      | { hash: Buffer }
      | undefined;
    return row?.hash;
  }

  hash(start: number, end: number): Hash {
    return subtreeFrom((level, idx) => this.node(level, idx), start, end);
  }

  leaf(seq: number): LeafRow | undefined {
    return this.db
      .prepare('SELECT seq, at, key_id, action, record_type, record_id, before, after, leaf_hash FROM changes WHERE seq = ?')
      .get(seq) as LeafRow | undefined;
  }

  /** Every stored node, level by level, for a verifier to compare with its own recomputation. */
  iterateNodes(): IterableIterator<{ level: number; idx: number; hash: Buffer }> {
    return this.db.prepare('SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx').iterate() as IterableIterator<{
      level: number;
      idx: number;
      hash: Buffer;
    }>;
  }
}
