import type { Db, Row } from '../db/database.js';
import { type Hash, type SubtreeHashes, subtreeFrom } from './merkle.js';

export type LeafRow = Omit<Row<'changes'>, 'prev_hash' | 'hash'>;

const NODE_SQL = 'SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?';
// On PostgreSQL each read is a round trip: a proof's O(log n) nodes are read in one query, as two zipped arrays.
const NODES_SQL = `SELECT m.level, m.idx, m.hash FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS w(level, idx)
  JOIN merkle_nodes m ON m.level = w.level AND m.idx = w.idx`;

/** The stored Merkle tree: the changes are its leaves, merkle_nodes its complete subtrees. */
export class LogRepository {
  constructor(private readonly db: Db) {}

  async size(): Promise<number> {
    return (await this.db.queryFirst<{ n: number }>('SELECT coalesce(max(seq), 0) AS n FROM changes'))!.n;
  }

  /**
   * `compute` over the stored tree of the first `size` leaves. The Merkle functions read nodes
   * synchronously, and which nodes they read depends only on the sizes and indexes, never on the hashes:
   * a dry run learns which nodes, they are read (the same O(log n) reads as before), then the real run.
   */
  async withTree<T>(size: number, compute: (tree: SubtreeHashes) => T): Promise<T> {
    const wanted = new Map<string, [level: number, idx: number]>();
    const blank = Buffer.alloc(32);
    compute({
      size,
      hash: (start, end) =>
        subtreeFrom(
          (level, idx) => {
            wanted.set(`${level}:${idx}`, [level, idx]);
            return blank;
          },
          start,
          end,
        ),
    });
    const nodes = await this.readNodes([...wanted.values()]);
    return compute({ size, hash: (start, end) => subtreeFrom((level, idx) => nodes.get(`${level}:${idx}`), start, end) });
  }

  private async readNodes(wanted: [level: number, idx: number][]): Promise<Map<string, Hash>> {
    const nodes = new Map<string, Hash>();
    if (this.db.dialect === 'postgres') {
      const rows = await this.db.query<{ level: number; idx: number; hash: Buffer }>(NODES_SQL, [
        wanted.map(([level]) => level),
        wanted.map(([, idx]) => idx),
      ]);
      for (const r of rows) nodes.set(`${r.level}:${r.idx}`, r.hash);
      return nodes;
    }
    for (const [level, idx] of wanted) {
      const row = await this.db.queryFirst<{ hash: Buffer }>(NODE_SQL, [level, idx]);
      if (row) nodes.set(`${level}:${idx}`, row.hash);
    }
    return nodes;
  }

  leaf(seq: number): Promise<LeafRow | undefined> {
    return this.db.queryFirst<LeafRow>(
      'SELECT seq, at, key_id, action, record_type, record_id, before, after, leaf_hash FROM changes WHERE seq = ?',
      [seq],
    );
  }

  /** Every stored node, level by level, for a verifier to compare with its own recomputation. */
  iterateNodes(): AsyncIterable<{ level: number; idx: number; hash: Buffer }> {
    return this.db.stream('SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx');
  }
}
