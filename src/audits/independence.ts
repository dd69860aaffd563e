// Independent routes of a claim's support, and of its opposition.
//
// Two statements are on the same route when
// - they share an upstream hop (`sharedHop`): a hop that passed them on to a later one, compared by the
//   document it appeared in or, for a hop with no document (a person passing word on), by who relayed it.
//   In the demo, the three anonymous statements all went through the one Reuters report: one route;
// - they are first-hand in the same document (`sameDocument`): everything one story printed from its own
//   sources rests on that story's reporting, however many people it quoted;
// - they share a speaker (`sameSpeaker`): one person saying two things is one source.
// Statements that only share the last document, as relayed material, stay independent: a paper printing
// an agency's story and its own source has two routes. docs/rules.md states the definition.
import type { AuditClaimIndependence, AuditRouteGroup, AuditRouteGrouping } from '../generated/schema-types.js';
import { actorLabel } from './rules/finding.js';
import type { AuditData, AuditHop } from './types.js';

export type RouteGroup = AuditRouteGroup;
export type ClaimIndependence = AuditClaimIndependence;
type Reason = AuditRouteGrouping['reason'];

export const OPPOSING_STANCES = ['disputes', 'denies', 'declines_to_comment'] as const;
const REASONS: Reason[] = ['sharedHop', 'sameDocument', 'sameSpeaker'];

const keyOf = (h: AuditHop) => (h.documentId !== null ? `document:${h.documentId}` : `actor:${h.relayedById}`);

/** Upstream keys of every chain of one statement: the hops that passed it on to a later hop. */
export function upstreamKeys(hops: AuditHop[]): Set<string> {
  const hasChild = new Set<number>();
  for (const h of hops) if (h.viaRelayId !== null) hasChild.add(h.viaRelayId);
  const keys = new Set<string>();
  for (const h of hops) if (hasChild.has(h.id)) keys.add(keyOf(h));
  return keys;
}

/** What ties a statement to others: each grouping reason with the keys it shares on. */
function groupingKeys(data: AuditData, statementId: number): string[] {
  const hops = data.hopsByStatement.get(statementId) ?? [];
  const keys = [...upstreamKeys(hops)].map((k) => `sharedHop|${k}`);
  for (const h of hops)
    if (h.viaRelayId === null && h.firstHand && h.documentId !== null) keys.push(`sameDocument|document:${h.documentId}`);
  keys.push(`sameSpeaker|actor:${data.statements.get(statementId)!.speakerId}`);
  return [...new Set(keys)];
}

/** Groups statements into independent routes (union-find over the keys they share). */
export function routesOf(data: AuditData, statementIds: number[], stanceOf: (id: number) => string): RouteGroup[] {
  const parent = new Map<number, number>(statementIds.map((id) => [id, id]));
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
  const keysOf = new Map<number, string[]>();
  for (const id of statementIds) {
    const keys = groupingKeys(data, id);
    keysOf.set(id, keys);
    for (const k of keys) {
      const owner = ownerOfKey.get(k);
      if (owner === undefined) ownerOfKey.set(k, id);
      else parent.set(find(id), find(owner));
    }
  }
  const groups = new Map<number, number[]>();
  for (const id of statementIds) {
    const root = find(id);
    const g = groups.get(root);
    if (g) g.push(id);
    else groups.set(root, [id]);
  }
  const routes = [...groups.values()].map((ids) => route(data, ids, keysOf, stanceOf));
  return routes.sort((a, b) => a.statementIds[0] - b.statementIds[0]);
}

function route(data: AuditData, ids: number[], keysOf: Map<number, string[]>, stanceOf: (id: number) => string): RouteGroup {
  const members = new Map<string, number[]>();
  for (const i of ids) for (const k of keysOf.get(i)!) members.set(k, [...(members.get(k) ?? []), i]);
  const grouping: AuditRouteGrouping[] = [...members]
    .filter(([, m]) => m.length > 1)
    .map(([k, m]) => {
      const [reason, on] = k.split('|') as [Reason, string];
      return { reason, on: target(data, on), statementIds: m as [number, number, ...number[]] };
    })
    .sort((a, b) => REASONS.indexOf(a.reason) - REASONS.indexOf(b.reason) || a.on.type.localeCompare(b.on.type) || a.on.id - b.on.id);
  const speakerIds = [...new Set(ids.map((i) => data.statements.get(i)!.speakerId))].sort((a, b) => a - b);
  return {
    statementIds: ids as [number, ...number[]],
    speakerIds,
    sharedUpstream: grouping.filter((g) => g.reason === 'sharedHop').map((g) => g.on),
    statements: ids.map((i): AuditRouteGroup['statements'][number] => {
      const speakerId = data.statements.get(i)!.speakerId;
      return {
        statementId: i,
        stance: stanceOf(i) as AuditRouteGroup['statements'][number]['stance'],
        speakerId,
        speaker: actorLabel(data, speakerId),
        identityStatus: data.actors.get(speakerId)?.identityStatus ?? 'named',
      };
    }) as AuditRouteGroup['statements'],
    grouping,
  };
}

function target(data: AuditData, key: string): AuditRouteGrouping['on'] {
  const [type, raw] = key.split(':') as ['document' | 'actor', string];
  const id = Number(raw);
  const label = type === 'document' ? (data.documents.get(id)?.title ?? `document ${id}`) : actorLabel(data, id);
  return { type, id, label };
}

const byStatus = (data: AuditData, speakers: number[]) => {
  const out = { named: 0, anonymous: 0, unidentified: 0 };
  for (const id of speakers) out[data.actors.get(id)?.identityStatus ?? 'named']++;
  return out;
};

/** Both sides of a claim: its support and its opposition, each counted in statements, speakers and routes. */
export function independenceOf(data: AuditData, claimId: number): ClaimIndependence {
  const claim = data.claims.get(claimId)!;
  const stance = new Map<number, string>();
  for (const l of claim.links) if (data.statements.has(l.statementId)) stance.set(l.statementId, l.stance);
  const withStance = (wanted: readonly string[]) =>
    [...stance]
      .filter(([, s]) => wanted.includes(s))
      .map(([id]) => id)
      .sort((a, b) => a - b);
  const supporting = withStance(['supports']);
  const opposing = withStance(OPPOSING_STANCES);
  const speakersOf = (ids: number[]) => [...new Set(ids.map((i) => data.statements.get(i)!.speakerId))];
  const stanceOf = (id: number) => stance.get(id)!;
  const routes = routesOf(data, supporting, stanceOf);
  const opposingRoutes = routesOf(data, opposing, stanceOf);
  const supportSpeakers = speakersOf(supporting);
  const opposingSpeakers = speakersOf(opposing);
  return {
    claimId,
    text: claim.text,
    supportingStatements: supporting.length,
    speakers: supportSpeakers.length,
    independentRoutes: routes.length,
    speakersByIdentityStatus: byStatus(data, supportSpeakers),
    routes,
    opposition: {
      statements: opposing.length,
      speakers: opposingSpeakers.length,
      independentRoutes: opposingRoutes.length,
      byStance: {
        disputes: opposing.filter((i) => stance.get(i) === 'disputes').length,
        denies: opposing.filter((i) => stance.get(i) === 'denies').length,
        declines_to_comment: opposing.filter((i) => stance.get(i) === 'declines_to_comment').length,
      },
      speakersByIdentityStatus: byStatus(data, opposingSpeakers),
      routes: opposingRoutes,
    },
  };
}
