// The full check of the history, from the rows themselves (never from stored hashes it is checking):
//   chain      each change points at the hash of the one before (seq has no gaps);
//   leaf       each change's leaf hash is SHA-256(0x00 || its entry);
//   tree       every stored Merkle node equals the one recomputed from the entries;
//   checkpoint the log recomputed from the entries is an append-only extension of a saved checkpoint
//              (RFC 9162 consistency proof against the checkpoint's root);
//   state      every current row equals the last `after` of its history, and nothing exists without
//              history (writes that bypassed the triggers);
//   columns    every live column of a recorded table is in the column list the triggers record.
import type { ChangeVerification } from '../generated/schema-types.js';
import { chainHash, changeEntry, commitment } from '../db/functions.js';
import type { Checkpoint } from '../log/checkpoint.js';
import type { LogRepository } from '../log/log-repository.js';
import { consistencyProof, leafHash, MemoryTree, rootOf, verifyConsistency } from '../log/merkle.js';
import type { ChangeRepository, RecordedTable } from './change-repository.js';

export type Problem = NonNullable<ChangeVerification['problems']>[number];

/** A verify reports the first problems of each kind, enough to act on without flooding the answer. */
const PER_KIND = 20;

interface LastChange {
  seq: number;
  action: string;
  after: string | null;
}

export async function verifyHistory(changes: ChangeRepository, log: LogRepository, saved?: Checkpoint): Promise<ChangeVerification> {
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  const report = (p: Problem) => {
    const n = counts.get(p.kind) ?? 0;
    counts.set(p.kind, n + 1);
    if (n < PER_KIND) problems.push(p);
  };

  const tree = new MemoryTree();
  const last = new Map<string, Map<string, LastChange>>();
  let prev = '';
  let expectedSeq = 1;
  let checked = 0;
  let firstBroken: ChangeVerification['firstBroken'];
  for await (const c of changes.iterate()) {
    const where = { seq: c.seq, recordType: c.record_type, recordId: c.record_id };
    const chain =
      c.seq !== expectedSeq
        ? `change ${expectedSeq} is missing (the next one is ${c.seq})`
        : c.prev_hash !== prev
          ? `change ${c.seq} does not point at the hash of change ${c.seq - 1}`
          : c.hash !== chainHash(c.prev_hash, c.seq, c.at, c.key_id, c.action, c.record_type, c.record_id, c.before, c.after)
            ? `change ${c.seq} does not match its hash: its content was altered`
            : null;
    const leaf = leafHash(changeEntry(c.seq, c.at, c.key_id, c.action, c.record_type, c.record_id, c.before, c.after));
    const leafProblem =
      !c.leaf_hash || !leaf.equals(c.leaf_hash) ? `change ${c.seq} does not match its leaf hash: its content was altered` : null;
    if (chain) report({ kind: 'chain', ...where, reason: chain });
    if (leafProblem) report({ kind: 'leaf', ...where, reason: leafProblem });
    // firstBroken and checked describe the hash chain alone, as they always have; leaves are in problems.
    if (chain && !firstBroken) firstBroken = { ...where, reason: chain };
    if (!firstBroken) checked++;
    tree.append(leaf);
    let ofType = last.get(c.record_type);
    if (!ofType) last.set(c.record_type, (ofType = new Map()));
    ofType.set(c.record_id, { seq: c.seq, action: c.action, after: c.after });
    prev = c.hash;
    expectedSeq = c.seq + 1;
  }

  // The stored nodes must be exactly the complete subtrees of the recomputed tree.
  let stored = 0;
  for await (const n of log.iterateNodes()) {
    stored++;
    const mine = tree.levels[n.level]?.[n.idx];
    if (!mine?.equals(n.hash)) {
      report({ kind: 'tree', reason: `stored Merkle node (level ${n.level}, index ${n.idx}) does not match the changes` });
    }
  }
  const expectedNodes = tree.levels.reduce((s, l) => s + l.length, 0);
  if (stored !== expectedNodes) report({ kind: 'tree', reason: `${stored} Merkle nodes are stored; the changes make ${expectedNodes}` });

  const root = rootOf(tree);
  let checkpoint: ChangeVerification['checkpoint'];
  if (saved) {
    const consistent = extendsCheckpoint(tree, saved);
    checkpoint = { size: saved.size, rootHash: saved.root.toString('hex'), time: saved.time, consistent: consistent === null };
    if (consistent) report({ kind: 'checkpoint', reason: consistent });
  }

  await reconcile(changes, last, report);

  const omitted = [...counts.entries()].reduce((s, [, n]) => s + Math.max(0, n - PER_KIND), 0);
  return {
    intact: counts.size === 0,
    checked,
    lastHash: prev || null,
    ...(firstBroken ? { firstBroken } : {}),
    treeSize: tree.size,
    rootHash: root.toString('hex'),
    ...(checkpoint ? { checkpoint } : {}),
    problems,
    ...(omitted ? { problemsOmitted: omitted } : {}),
  };
}

/** Null when the recomputed log extends the checkpoint; otherwise what is wrong. */
function extendsCheckpoint(tree: MemoryTree, saved: Checkpoint): string | null {
  const n = tree.size;
  if (saved.size > n) return `the log has ${n} changes, fewer than the ${saved.size} of the saved checkpoint: changes were removed`;
  if (saved.size === 0) return null;
  const proof = consistencyProof(tree, saved.size, n);
  if (!verifyConsistency(saved.size, n, proof, saved.root, rootOf(tree))) {
    return `the first ${saved.size} changes no longer hash to the saved checkpoint's root: the history it pinned was rewritten`;
  }
  return null;
}

const sameValue = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)));

async function reconcile(
  changes: ChangeRepository,
  last: Map<string, Map<string, LastChange>>,
  report: (p: Problem) => void,
): Promise<void> {
  for (const t of await changes.recordedTables()) {
    const recorded = new Set(t.columns.map((c) => c.name));
    for (const col of await changes.liveColumns(t.table)) {
      if (!recorded.has(col)) report({ kind: 'columns', recordType: t.type, reason: `${t.table}.${col} is not recorded in the history` });
    }
    const history = last.get(t.type) ?? new Map<string, LastChange>();
    const seen = new Set<string>();
    for await (const row of changes.iterateRows(t)) {
      seen.add(row.__id);
      const where = { recordType: t.type, recordId: row.__id };
      const h = history.get(row.__id);
      if (!h) report({ kind: 'state', ...where, reason: `${t.type} ${row.__id} exists but has no history: it was written around it` });
      else if (h.action === 'delete' || h.after === null)
        report({ kind: 'state', ...where, seq: h.seq, reason: `${t.type} ${row.__id} exists but its history ends in a delete` });
      else {
        const differ = await differingColumns(changes, t, row, h);
        if (differ.length)
          report({
            kind: 'state',
            ...where,
            seq: h.seq,
            reason: `${t.type} ${row.__id} differs from its last recorded change (${h.seq}) in ${differ.join(', ')}`,
          });
      }
    }
    for (const [id, h] of history) {
      if (h.action !== 'delete' && !seen.has(id))
        report({
          kind: 'state',
          recordType: t.type,
          recordId: id,
          seq: h.seq,
          reason: `${t.type} ${id} is in the history but not in the data`,
        });
    }
  }
}

async function differingColumns(
  changes: ChangeRepository,
  t: RecordedTable,
  row: Record<string, unknown>,
  h: LastChange,
): Promise<string[]> {
  let after: Record<string, unknown>;
  try {
    after = JSON.parse(h.after!) as Record<string, unknown>;
  } catch {
    return ['(unreadable record)'];
  }
  const openings = t.columns.some((c) => c.committed)
    ? new Map((await changes.openings([h.seq])).filter((o) => o.side === 'after').map((o) => [o.column_name, o]))
    : new Map();
  const differ: string[] = [];
  for (const { name, committed } of t.columns) {
    const value = row[name];
    if (!committed) {
      if (!sameValue(after[name] ?? null, value ?? null)) differ.push(name);
      continue;
    }
    const c = after[name] as { commitment?: string } | null;
    const o = openings.get(name);
    if (value === null || value === undefined) {
      if (c !== null && c !== undefined) differ.push(name);
    } else if (!c || !o || commitment(o.salt, o.value) !== c.commitment || !sameValue(JSON.parse(o.value), value)) differ.push(name);
  }
  return differ;
}
