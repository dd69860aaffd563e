// W3C PROV-JSON (https://www.w3.org/submissions/prov-json/) from audit data.
//
// Actors are agents (prov:Person or prov:Organization) and act on behalf of whom they act for. A statement
// is an entity attributed to its speaker. Each hop is an entity too, the statement as that relayer passed
// it on, attributed to the relayer and derived from the hop before it (or from the statement itself):
// prov:Quotation when verbatim, prov:PrimarySource when first-hand (PROV-JSON writes hadPrimarySource as
// a derivation of that type). A document is a collection whose members are the hops that appeared in it,
// attributed to its outlet. Confidential actor fields are never read, so never written.
import type { AuditData, AuditHop } from '../audits/types.js';
import type { ProvDocument } from '../generated/schema-types.js';
import { idNamespace } from './iri.js';

/** The prefixes every export declares: `whosaid` is the namespace of record identifiers. */
export const provPrefixes = (iriBase: string) => ({ whosaid: idNamespace(iriBase) });

export const SECTIONS = ['agent', 'actedOnBehalfOf', 'entity', 'wasAttributedTo', 'wasDerivedFrom', 'hadMember'] as const;
export type Section = (typeof SECTIONS)[number];
export type ProvRecord = Record<string, unknown>;
export type ProvFragment = Record<Section, Array<[string, ProvRecord]>>;

const qn = (name: string) => ({ $: name, type: 'xsd:QName' });
// A record's identifier is its type and its id, joined by a hyphen: a valid xsd:QName (the local part
// an NCName, so no '/'), the same in PROV-JSON, PROV-N and PROV-XML, and the same in every export.
export const actorId = (id: number) => `whosaid:actor-${id}`;
export const statementId = (id: number) => `whosaid:statement-${id}`;
export const relayId = (id: number) => `whosaid:relay-${id}`;
export const documentId = (id: number) => `whosaid:document-${id}`;
// Relations are anonymous: PROV-JSON needs a key for each, a blank one ('_:'), which PROV-N and PROV-XML
// leave out (a membership cannot carry an identifier there at all).
const blank = (kind: string, id: number) => `_:${kind}-${id}`;

export function emptyFragment(): ProvFragment {
  return { agent: [], actedOnBehalfOf: [], entity: [], wasAttributedTo: [], wasDerivedFrom: [], hadMember: [] };
}

/** Strips absent attributes: PROV-JSON has no null. */
function attrs(o: Record<string, unknown>): ProvRecord {
  const out: ProvRecord = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

export function addAgents(f: ProvFragment, data: AuditData, ids: Iterable<number>): void {
  for (const id of ids) {
    const a = data.actors.get(id);
    if (!a) continue;
    f.agent.push([
      actorId(a.id),
      attrs({
        'prov:type': qn(a.kind === 'person' ? 'prov:Person' : 'prov:Organization'),
        'prov:label': a.name ?? a.description ?? `actor ${a.id}`,
        'whosaid:kind': a.kind,
        'whosaid:identityStatus': a.identityStatus,
        'whosaid:description': a.name ? a.description : null,
        'whosaid:affiliation': a.affiliation,
      }),
    ]);
    if (a.actsForId !== null) {
      f.actedOnBehalfOf.push([blank('actsFor', a.id), { 'prov:delegate': actorId(a.id), 'prov:responsible': actorId(a.actsForId) }]);
    }
  }
}

export function addDocuments(f: ProvFragment, data: AuditData, ids: Iterable<number>): void {
  for (const id of ids) {
    const d = data.documents.get(id);
    if (!d) continue;
    f.entity.push([
      documentId(d.id),
      attrs({
        'prov:type': [qn('whosaid:Document'), qn('prov:Collection')],
        'prov:label': d.title,
        'whosaid:url': d.url ? { $: d.url, type: 'xsd:anyURI' } : null,
        'whosaid:publishedOn': d.publishedOn,
      }),
    ]);
    f.wasAttributedTo.push([blank('published', d.id), { 'prov:entity': documentId(d.id), 'prov:agent': actorId(d.outletId) }]);
  }
}

export function addStatements(f: ProvFragment, data: AuditData, ids: Iterable<number>, hopIds: Set<number>): void {
  for (const id of ids) {
    const s = data.statements.get(id);
    if (!s) continue;
    f.entity.push([
      statementId(s.id),
      attrs({
        'prov:type': qn('whosaid:Statement'),
        'prov:value': s.text,
        'whosaid:textForm': s.textForm,
        'whosaid:kind': s.kind,
        'whosaid:saidOn': s.saidOn,
        'whosaid:medium': s.medium,
        'whosaid:mediumPublisher': s.mediumPublisherId !== null ? qn(actorId(s.mediumPublisherId)) : null,
        'whosaid:circumstances': s.circumstances,
      }),
    ]);
    f.wasAttributedTo.push([blank('said', s.id), { 'prov:entity': statementId(s.id), 'prov:agent': actorId(s.speakerId) }]);
    for (const h of data.hopsByStatement.get(s.id) ?? []) if (hopIds.has(h.id)) addHop(f, data, h);
  }
}

function addHop(f: ProvFragment, data: AuditData, h: AuditHop): void {
  const relayer = data.actors.get(h.relayedById);
  f.entity.push([
    relayId(h.id),
    attrs({
      'prov:type': qn('whosaid:Relay'),
      'prov:label': `as relayed by ${relayer?.name ?? relayer?.description ?? `actor ${h.relayedById}`}`,
      'whosaid:statement': qn(statementId(h.statementId)),
      'whosaid:mode': h.mode,
      'whosaid:hedge': h.hedge,
      'whosaid:cue': h.cue,
      'whosaid:firstHand': h.firstHand,
      'whosaid:relayedOn': h.relayedOn,
    }),
  ]);
  f.wasAttributedTo.push([blank('relayed', h.id), { 'prov:entity': relayId(h.id), 'prov:agent': actorId(h.relayedById) }]);
  const types = [...(h.mode === 'verbatim' ? [qn('prov:Quotation')] : []), ...(h.firstHand ? [qn('prov:PrimarySource')] : [])];
  f.wasDerivedFrom.push([
    blank('hop', h.id),
    attrs({
      'prov:generatedEntity': relayId(h.id),
      'prov:usedEntity': h.viaRelayId !== null ? relayId(h.viaRelayId) : statementId(h.statementId),
      'prov:type': types.length === 0 ? null : types.length === 1 ? types[0] : types,
      'whosaid:mode': h.mode,
    }),
  ]);
  if (h.documentId !== null) {
    f.hadMember.push([blank('in', h.id), { 'prov:collection': documentId(h.documentId), 'prov:entity': relayId(h.id) }]);
  }
}

/** A whole PROV-JSON document from one fragment (scoped exports, small enough to hold). */
export function provDocument(f: ProvFragment, iriBase: string): ProvDocument {
  const doc: ProvDocument = { prefix: provPrefixes(iriBase) };
  for (const s of SECTIONS) if (f[s].length > 0) doc[s] = Object.fromEntries(f[s]);
  return doc;
}
