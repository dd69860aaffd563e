import type { Found } from './cues.js';
import type { Mention, Resolved } from './speaker.js';
import type { Range } from './spans.js';
import type { Speaker } from './types.js';

/** A found attribution with its speaker resolved; `via` holds the indexes of the relaying attributions, nearest the speaker first. */
export interface Linked {
  found: Found;
  resolved: Resolved;
  mention: Mention;
  /** A relay named in the cue itself ("told Reuters") or by the medium ("in a video released by the FSB"). */
  recipient: { name: string; cue: Range } | null;
  parent: number | null;
  inheritedFrom: number | null;
}

export function hopName(s: Speaker): string {
  return s.name ?? s.description ?? 'unknown';
}

function within(r: Range, outer: Range): boolean {
  return r.start >= outer.start && r.end <= outer.end;
}

/** For each attribution, the innermost other attribution whose content holds its cue: the one who relayed it. */
export function nestingParents(items: Linked[]): void {
  // Contents by start, so each cue looks only at the contents that open before it (the nearest ones suffice).
  const opens = items.flatMap((a, j) => a.found.contents.map((c) => ({ start: c.start, j }))).sort((x, y) => x.start - y.start);
  items.forEach((b, i) => {
    const cue = b.found.cue;
    if (!cue) return;
    let best: number | null = null;
    let bestSize = Number.POSITIVE_INFINITY;
    let lo = 0;
    let hi = opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (opens[mid].start <= cue.start) lo = mid + 1;
      else hi = mid;
    }
    const candidates = new Set<number>();
    for (let k = lo - 1; k >= 0 && k >= lo - 64; k--) candidates.add(opens[k].j);
    candidates.forEach((j) => {
      const a = items[j];
      if (i === j) return;
      // Two attributions that hold each other's cues (a headline's "X warned …, report says") relay neither.
      if (a.found.cue && b.found.contents.some((c) => within(a.found.cue!, c))) return;
      for (const c of a.found.contents) {
        const size = c.end - c.start;
        if (within(cue, c) && size < bestSize) {
          best = j;
          bestSize = size;
        }
      }
    });
    b.parent = best;
  });
}

/**
 * Anonymous sources quoted after an outlet's report ("Reuters reported … One said …; A second source said …") came through
 * that outlet: such an attribution inherits the relays of its antecedent, or else of the latest outlet attribution nearby.
 */
export function inheritRelays(items: Linked[], window = 8): void {
  let lastOutlet: number | null = null;
  const byMention = new Map(items.map((x, i) => [x.mention, i]));
  items.forEach((b, i) => {
    if (b.parent !== null) {
      if (b.mention.outlet) lastOutlet = i;
      return;
    }
    if (b.mention.outlet) {
      lastOutlet = i;
      return;
    }
    if (b.resolved.speaker.identityStatus !== 'anonymous' || b.recipient) return;
    const antecedent = b.resolved.antecedent ? (byMention.get(b.resolved.antecedent) ?? -1) : -1;
    if (antecedent >= 0 && antecedent !== i) {
      b.inheritedFrom = antecedent;
      return;
    }
    if (lastOutlet !== null && b.found.sentence - items[lastOutlet].found.sentence <= window) b.inheritedFrom = lastOutlet;
  });
}
