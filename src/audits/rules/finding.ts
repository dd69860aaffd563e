// Building findings: the text spans come from the tags of the statements a finding concerns.
import type { AuditData, AuditHop, Finding, RecordRef, Rule, Severity, Span } from '../types.js';

export interface FindingInput {
  /** The first record names the finding: its id is the rule id and that record. */
  records: Finding['records'];
  message: string;
  evidence: Record<string, unknown>;
  severity?: Severity;
}

export function makeFinding(rule: Rule, data: AuditData, input: FindingInput): Finding {
  const first = input.records[0];
  return {
    id: `${rule.id}:${first.type}/${first.id}`,
    ruleId: rule.id,
    severity: input.severity ?? rule.severity,
    records: input.records,
    spans: spansFor(data, input.records),
    message: input.message,
    evidence: input.evidence,
    policy: rule.policy,
  };
}

/** Tags of the statements (or the tags themselves) a finding concerns, in document order. */
export function spansFor(data: AuditData, records: RecordRef[]): Span[] {
  if (data.tags.length === 0) return [];
  const statements = new Set(records.filter((r) => r.type === 'statement').map((r) => r.id));
  const tags = new Set(records.filter((r) => r.type === 'tag').map((r) => r.id));
  return data.tags
    .filter((t) => tags.has(t.id) || (t.statementId !== null && statements.has(t.statementId)))
    .sort((a, b) => a.documentId - b.documentId || (a.start ?? -1) - (b.start ?? -1) || a.id - b.id)
    .map((t) => ({ documentId: t.documentId, tagId: t.id, start: t.start, end: t.end, exact: t.exact }));
}

/** How a person reads an actor in a message: the name, or for a source without one, the description. */
export function actorLabel(data: AuditData, id: number): string {
  const a = data.actors.get(id);
  if (!a) return `actor ${id}`;
  if (a.name) return a.name;
  const what = a.identityStatus === 'anonymous' ? 'anonymous source' : 'unidentified speaker';
  return a.description ? `${what} “${a.description}”` : `${what} ${id}`;
}

export function quoteOf(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `“${t.length > max ? t.slice(0, max - 1) + '…' : t}”`;
}

export const statementRef = (id: number): RecordRef => ({ type: 'statement', id });
export const actorRef = (id: number): RecordRef => ({ type: 'actor', id });
export const relayRef = (id: number): RecordRef => ({ type: 'relay', id });
export const claimRef = (id: number): RecordRef => ({ type: 'claim', id });

/** A statement with its speaker and, when there is one, the publisher of its medium. */
export const utteranceRefs = (s: { id: number; speakerId: number; mediumPublisherId: number | null }): Finding['records'] => [
  statementRef(s.id),
  actorRef(s.speakerId),
  ...(s.mediumPublisherId !== null ? [actorRef(s.mediumPublisherId)] : []),
];

const byActor = new WeakMap<AuditData, Map<number, Set<number>>>();

/** In-scope statements an actor spoke or passed on, so findings about the actor point at the text. */
export function statementsOfActor(data: AuditData, actorId: number, limit = 50): number[] {
  let index = byActor.get(data);
  if (!index) {
    index = new Map();
    const add = (actor: number, statement: number) => {
      const set = index!.get(actor);
      if (set) set.add(statement);
      else index!.set(actor, new Set([statement]));
    };
    for (const id of data.inScope.statements) {
      const s = data.statements.get(id);
      if (s) add(s.speakerId, id);
    }
    for (const hopId of data.inScope.hops) {
      const h = data.hops.get(hopId);
      if (h) add(h.relayedById, h.statementId);
    }
    byActor.set(data, index);
  }
  return [...(index.get(actorId) ?? [])].sort((a, b) => a - b).slice(0, limit);
}

export function anonymousActorsInScope(data: AuditData) {
  return data.inScope.actors
    .map((id) => data.actors.get(id))
    .filter((a) => a !== undefined && a.identityStatus === 'anonymous') as NonNullable<ReturnType<typeof data.actors.get>>[];
}

/** The hops an audit judges, in id order (hop rules report in that order). */
export function hopsInScope(data: AuditData): AuditHop[] {
  return [...data.inScope.hops]
    .sort((a, b) => a - b)
    .map((id) => data.hops.get(id))
    .filter((h) => h !== undefined);
}

/** A hop, its statement and, when it has one, its document. */
export const hopRefs = (h: AuditHop): Finding['records'] => [
  relayRef(h.id),
  statementRef(h.statementId),
  ...(h.documentId !== null ? [{ type: 'document' as const, id: h.documentId }] : []),
];
