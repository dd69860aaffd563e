// What `whosaid verify` prints for a history check, and whether it held: shared by every CLI entry.
import type { ChangeVerification } from '../generated/schema-types.js';

export function historyLines(v: ChangeVerification): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  if (v.intact) lines.push(`history: intact, ${v.treeSize} changes, tree root ${v.rootHash}`);
  else lines.push(`history: BROKEN: ${v.problems.length + (v.problemsOmitted ?? 0)} problems in ${v.treeSize} changes`);
  if (v.checkpoint) {
    lines.push(
      v.checkpoint.consistent
        ? `checkpoint: today's log is an append-only extension of the saved checkpoint (${v.checkpoint.size} changes${v.checkpoint.time ? `, ${v.checkpoint.time}` : ''})`
        : `checkpoint: NOT an extension of the saved checkpoint (${v.checkpoint.size} changes${v.checkpoint.time ? `, ${v.checkpoint.time}` : ''})`,
    );
  }
  for (const p of v.problems) {
    const where = [p.seq !== undefined ? `change ${p.seq}` : null, p.recordType ? `${p.recordType} ${p.recordId ?? ''}`.trim() : null]
      .filter(Boolean)
      .join(', ');
    lines.push(`  [${p.kind}]${where ? ` ${where}:` : ''} ${p.reason}`);
  }
  if (v.problemsOmitted) lines.push(`  … and ${v.problemsOmitted} more`);
  return { ok: v.intact, lines };
}
