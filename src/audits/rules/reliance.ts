// Whose anonymous source is it? An anonymous source belongs to whoever first published what they said: the
// outlet that had them first-hand (or through people passing word on, with no document of their own). An
// outlet that relays that story relies on a source it cannot know. Two rules read this: ANON-NOT-ATTESTED
// (an outlet's own sources must be known to an editor) and ANON-RELAYED (relying on another's).
import type { AuditData, AuditHop } from '../types.js';

export interface Reliance {
  sourceId: number;
  /** The first hop with a document at or after the source: the publication that had the source. */
  holder: AuditHop;
  /** The audited hop whose chain carries the source. */
  hop: AuditHop;
}

/**
 * The hops an audit speaks for: a document's own hops; otherwise the ends of the in-scope chains (the
 * hops nearest the reader), since everything upstream of them is what those publications relied on.
 */
function auditedHops(data: AuditData): AuditHop[] {
  const inScope = [...data.inScope.hops].map((id) => data.hops.get(id)).filter((h) => h !== undefined);
  if (data.scope.type === 'document') return inScope.filter((h) => h.documentId === data.scope.id);
  const hasChild = new Set<number>();
  for (const h of inScope) if (h.viaRelayId !== null && data.inScope.hops.has(h.viaRelayId)) hasChild.add(h.viaRelayId);
  return inScope.filter((h) => !hasChild.has(h.id));
}

const cache = new WeakMap<AuditData, Map<number, Reliance[]>>();

/** Every anonymous source on the chains of the audited hops, by source, with who published them first. */
export function reliancesBySource(data: AuditData): Map<number, Reliance[]> {
  const cached = cache.get(data);
  if (cached) return cached;
  const out = new Map<number, Reliance[]>();
  for (const hop of auditedHops(data)) {
    const chain: AuditHop[] = [];
    for (
      let cur: AuditHop | undefined = hop;
      cur && !chain.includes(cur);
      cur = cur.viaRelayId === null ? undefined : data.hops.get(cur.viaRelayId)
    )
      chain.unshift(cur);
    if (chain[0].viaRelayId !== null) continue; // a chain whose start is not loaded
    chain.forEach((h, k) => {
      const sourceId = k === 0 ? data.statements.get(h.statementId)?.speakerId : chain[k - 1].relayedById;
      if (sourceId === undefined || data.actors.get(sourceId)?.identityStatus !== 'anonymous') return;
      const holder = chain.slice(k).find((x) => x.documentId !== null);
      if (!holder) return;
      const list = out.get(sourceId) ?? [];
      list.push({ sourceId, holder, hop });
      out.set(sourceId, list);
    });
  }
  cache.set(data, out);
  return out;
}

/** The source is the audited publication's own: it had them first-hand, or nothing shows it did not. */
export function isOwnSource(data: AuditData, actorId: number): boolean {
  const list = reliancesBySource(data).get(actorId);
  return !list || list.some((r) => r.holder.relayedById === r.hop.relayedById);
}

/** The audited publications that carry this source although another outlet had them first-hand. */
export function reliedOnElsewhere(data: AuditData, actorId: number): Reliance[] {
  return (reliancesBySource(data).get(actorId) ?? []).filter((r) => r.holder.relayedById !== r.hop.relayedById);
}
