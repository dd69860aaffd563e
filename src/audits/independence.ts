// Independent routes of a claim's support.
//
// Two supporting statements are one route when their chains share an upstream hop: a hop that passed the
// statement on to a later one (every hop of a chain but the last, the one nearest the reader). Upstream
// hops are compared by the document they appeared in or, for a hop with no document (a person passing
// word on), by who relayed it. In the demo, the three anonymous statements all went through the one
// Reuters report before The Telegraph printed them: three speakers, one route. Statements that only
// share the last document (two people quoted first-hand in the same article) stay independent.
import type { AuditData, AuditHop } from './types.js';

export interface RouteGroup {
  statementIds: number[];
  speakerIds: number[];
  /** What the statements of this route have in common upstream (empty for a route of one statement). */
  sharedUpstream: Array<{ type: 'document' | 'actor'; id: number; label: string }>;
}

export interface ClaimIndependence {
  claimId: number;
  text: string;
  supportingStatements: number;
  speakers: number;
  independentRoutes: number;
  routes: RouteGroup[];
}

const keyOf = (h: AuditHop) => (h.documentId !== null ? `document:${h.documentId}` : `actor:${h.relayedById}`);

/** Upstream keys of every chain of one statement. */
export function upstreamKeys(hops: AuditHop[]): Set<string> {
  const hasChild = new Set<number>();
  for (const h of hops) if (h.viaRelayId !== null) hasChild.add(h.viaRelayId);
  const keys = new Set<string>();
  for (const h of hops) if (hasChild.has(h.id)) keys.add(keyOf(h));
  return keys;
}

export function independenceOf(data: AuditData, claimId: number): ClaimIndependence {
  const claim = data.claims.get(claimId)!;
  const supporting = [...new Set(claim.links.filter((l) => l.stance === 'supports').map((l) => l.statementId))]
    .filter((id) => data.statements.has(id))
    .sort((a, b) => a - b);

  // Union-find over statements, joined through the upstream keys they share.
  const parent = new Map<number, number>(supporting.map((id) => [id, id]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r)! !== r) r = parent.get(r)!;
    while (parent.get(x)! !== r) {
      const n = parent.get(x)!;
      parent.set(x, r);
      x = n;
    }
    return r;
  };
  const ownerOfKey = new Map<string, number>();
  const keysOf = new Map<number, Set<string>>();
  for (const id of supporting) {
    const keys = upstreamKeys(data.hopsByStatement.get(id) ?? []);
    keysOf.set(id, keys);
    for (const k of keys) {
      const owner = ownerOfKey.get(k);
      if (owner === undefined) ownerOfKey.set(k, id);
      else parent.set(find(id), find(owner));
    }
  }

  const groups = new Map<number, number[]>();
  for (const id of supporting) {
    const root = find(id);
    const g = groups.get(root);
    if (g) g.push(id);
    else groups.set(root, [id]);
  }
  const routes: RouteGroup[] = [...groups.values()].map((ids) => {
    const counts = new Map<string, number>();
    for (const i of ids) for (const k of keysOf.get(i)!) counts.set(k, (counts.get(k) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
    return {
      statementIds: ids,
      speakerIds: [...new Set(ids.map((i) => data.statements.get(i)!.speakerId))].sort((a, b) => a - b),
      sharedUpstream: shared.sort().map((k) => {
        const [type, raw] = k.split(':');
        const id = Number(raw);
        const label = type === 'document' ? (data.documents.get(id)?.title ?? `document ${id}`) : labelOf(data, id);
        return { type: type as 'document' | 'actor', id, label };
      }),
    };
  });
  routes.sort((a, b) => a.statementIds[0] - b.statementIds[0]);
  return {
    claimId,
    text: claim.text,
    supportingStatements: supporting.length,
    speakers: new Set(supporting.map((i) => data.statements.get(i)!.speakerId)).size,
    independentRoutes: routes.length,
    routes,
  };
}

function labelOf(data: AuditData, actorId: number): string {
  const a = data.actors.get(actorId);
  return a?.name ?? a?.description ?? `actor ${actorId}`;
}
