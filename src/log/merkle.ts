// RFC 9162 §2.1 Merkle tree hashing and proofs, over SHA-256.
//   leaf  = H(0x00 || entry)          node = H(0x01 || left || right)
// Proof generation reads subtree hashes through `SubtreeHashes`, so it works the same over the stored
// nodes (O(log n) reads per hash) and over an in-memory list of leaves (the verifier's recomputation).
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (entry: Uint8Array | string): Hash =>
  createHash('sha256')
    .update(LEAF)
    .update(typeof entry === 'string' ? Buffer.from(entry, 'utf8') : entry)
    .digest();

export const nodeHash = (left: Uint8Array, right: Uint8Array): Hash =>
  createHash('sha256').update(NODE).update(left).update(right).digest();

export const emptyRoot = (): Hash => createHash('sha256').digest();

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) for any range; how a subtree's hash is found is up to the source. */
export interface SubtreeHashes {
  size: number;
  hash(start: number, end: number): Hash;
}

export function rootOf(tree: SubtreeHashes, size = tree.size): Hash {
  return size === 0 ? emptyRoot() : tree.hash(0, size);
}

/** PATH(m, D[0:n]) of RFC 9162 §2.1.3.1: the audit path of leaf m in the tree of the first n leaves. */
export function inclusionProof(tree: SubtreeHashes, m: number, n: number): Hash[] {
  if (n > tree.size || m < 0 || m >= n) throw new RangeError(`no leaf ${m} in a tree of ${n}`);
  const path = (m: number, start: number, end: number): Hash[] => {
    const size = end - start;
    if (size === 1) return [];
    const k = splitPoint(size);
    return m < k
      ? [...path(m, start, start + k), tree.hash(start + k, end)]
      : [...path(m - k, start + k, end), tree.hash(start, start + k)];
  };
  return path(m, 0, n);
}

/** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1: that the tree of m leaves is a prefix of the tree of n. */
export function consistencyProof(tree: SubtreeHashes, m: number, n: number): Hash[] {
  if (n > tree.size || m < 1 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const sub = (m: number, start: number, end: number, complete: boolean): Hash[] => {
    const size = end - start;
    if (m === size) return complete ? [] : [tree.hash(start, end)];
    const k = splitPoint(size);
    return m <= k
      ? [...sub(m, start, start + k, complete), tree.hash(start + k, end)]
      : [...sub(m - k, start + k, end, false), tree.hash(start, start + k)];
  };
  return sub(m, 0, n, true);
}

/** RFC 9162 §2.1.3.2: does `proof` take leaf `index`'s hash to `root` in a tree of `size`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Hash = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): boolean {
  if (size1 < 1 || size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(Buffer.from(root2));
  if (proof.length === 0) return false;
  let path: Hash[] = proof.map((p) => Buffer.from(p));
  if (isPowerOfTwo(size1)) path = [Buffer.from(root1), ...path];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Hash = path[0];
  let sr: Hash = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(Buffer.from(root1)) && sr.equals(Buffer.from(root2));
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Subtree hashes over leaves held in memory, with complete subtrees cached by level: for verifiers. */
export class MemoryTree implements SubtreeHashes {
  /** levels[l][i] covers leaves [i·2^l, (i+1)·2^l). */
  readonly levels: Hash[][] = [[]];

  get size(): number {
    return this.levels[0].length;
  }

  append(leaf: Hash): void {
    this.levels[0].push(leaf);
    let idx = this.levels[0].length - 1;
    for (let l = 0; idx % 2 === 1; l++) {
      const parent = nodeHash(this.levels[l][idx - 1], this.levels[l][idx]);
      (this.levels[l + 1] ??= []).push(parent);
      idx = (idx - 1) / 2;
    }
  }

  hash(start: number, end: number): Hash {
    return subtreeFrom((level, idx) => this.levels[level]?.[idx], start, end);
  }
}

/**
 * MTH(D[start:end]) from complete subtrees: an aligned power-of-two range is one node, anything else
 * splits as RFC 9162 does. A range starting at 0 or at a split point is at most log2(n) nodes.
 */
export function subtreeFrom(node: (level: number, idx: number) => Hash | undefined, start: number, end: number): Hash {
  const size = end - start;
  if (size < 1) throw new RangeError('empty subtree');
  if (isPowerOfTwo(size) && start % size === 0) {
    const level = Math.log2(size);
    const h = node(level, start / size);
    if (!h) throw new Error(`missing Merkle node at level ${level}, index ${start / size}`);
    return h;
  }
  const k = splitPoint(size);
  return nodeHash(subtreeFrom(node, start, start + k), subtreeFrom(node, start + k, end));
}
