// One applier per kind of bundle item, in the order a bundle is written: each item may refer to items of
// the kinds before it (and actors to each other, relays to earlier relays).
import type { BundleItemResult, BundleRelay } from '../generated/schema-types.js';
import { rebased, unprocessable } from '../http/problem.js';
import type { ActorService } from '../actors/actor-service.js';
import type { ClaimService } from '../claims/claim-service.js';
import type { DocumentService } from '../documents/document-service.js';
import type { RelayService } from '../relays/relay-service.js';
import type { StatementService } from '../statements/statement-service.js';
import type { TagService } from '../tags/tag-service.js';
import { itemAt, type BundleRun } from './bundle-run.js';

export interface BundleServices {
  actors: ActorService;
  documents: DocumentService;
  statements: StatementService;
  relays: RelayService;
  claims: ClaimService;
  tags: TagService;
}

export type Applier = (run: BundleRun, s: BundleServices) => void;

// Actors first without acting-for, which may point at actors later in the list; then acting-for.
const actors: Applier = (run, s) => {
  const list = run.bundle.actors ?? [];
  list.forEach((a, i) => {
    const { key: _key, actsFor: _actsFor, ...fields } = a;
    run.upsert(
      'actor',
      a,
      (existing) => (existing ? s.actors.update(existing, fields).id : s.actors.create(fields).id),
      itemAt(`/actors/${i}`),
    );
  });
  list.forEach((a, i) => {
    if (a.actsFor === undefined) return;
    const path = `/actors/${i}`;
    const actsForId = run.resolve('actor', a.actsFor, `${path}/actsFor`);
    const id = run.idOf('actor', a.key)!;
    if (s.actors.get(id).acts_for_id === actsForId) return;
    rebased(() => s.actors.update(id, { actsForId }), itemAt(path, { actsForId: 'actsFor' }));
  });
};

const documents: Applier = (run, s) =>
  (run.bundle.documents ?? []).forEach((d, i) => {
    const path = `/documents/${i}`;
    const { key: _key, outlet, ...fields } = d;
    const input = { ...fields, outletId: run.resolve('actor', outlet, `${path}/outlet`)! };
    run.upsert(
      'document',
      d,
      (existing) => (existing ? s.documents.update(existing, input).row.id : s.documents.create(input).id),
      itemAt(path, { outletId: 'outlet' }),
    );
  });

const statements: Applier = (run, s) =>
  (run.bundle.statements ?? []).forEach((st, i) => {
    const path = `/statements/${i}`;
    const { key: _key, speaker, mediumPublisher, ...fields } = st;
    const input = {
      ...fields,
      speakerId: run.resolve('actor', speaker, `${path}/speaker`)!,
      ...(mediumPublisher !== undefined ? { mediumPublisherId: run.resolve('actor', mediumPublisher, `${path}/mediumPublisher`) } : {}),
    };
    run.upsert(
      'statement',
      st,
      (existing) => (existing ? s.statements.update(existing, input).id : s.statements.create(input).id),
      itemAt(path, { speakerId: 'speaker', mediumPublisherId: 'mediumPublisher' }),
    );
  });

// Claim errors are answered as the claim service words them (no item pointer), as they always were.
const claims: Applier = (run, s) =>
  (run.bundle.claims ?? []).forEach((c) => {
    const { key: _key, ...input } = c;
    run.upsert('claim', c, (existing) => (existing ? s.claims.update(existing, input).id : s.claims.create(input).id));
  });

/** The bundle's relays in an order where each earlier hop comes before the hops taken from it. */
function hopOrder(relays: BundleRelay[]): Array<{ r: BundleRelay; i: number }> {
  const all = relays.map((r, i) => ({ r, i }));
  const pending = new Map(all.map((x) => [x.r.key, x]));
  const ordered: typeof all = [];
  const visiting = new Set<string>();
  const visit = (x: (typeof all)[number]) => {
    if (!pending.has(x.r.key)) return;
    if (visiting.has(x.r.key)) {
      throw unprocessable(`/relays/${x.i}/via: the hops of this bundle form a cycle through '${x.r.key}'.`, [
        { in: 'body', pointer: `/relays/${x.i}/via`, message: 'closes a cycle of hops' },
      ]);
    }
    visiting.add(x.r.key);
    if (typeof x.r.via === 'string' && pending.has(x.r.via)) visit(pending.get(x.r.via)!);
    visiting.delete(x.r.key);
    pending.delete(x.r.key);
    ordered.push(x);
  };
  all.forEach(visit);
  return ordered;
}

const relays: Applier = (run, s) => {
  for (const { r, i } of hopOrder(run.bundle.relays ?? [])) {
    const path = `/relays/${i}`;
    const statementId = run.resolve('statement', r.statement, `${path}/statement`)!;
    const { key: _key, statement: _statement, relayedBy, via, document, ...fields } = r;
    const input = {
      ...fields,
      relayedById: run.resolve('actor', relayedBy, `${path}/relayedBy`)!,
      ...(via !== undefined ? { viaRelayId: run.resolve('relay', via, `${path}/via`) } : {}),
      ...(document !== undefined ? { documentId: run.resolve('document', document, `${path}/document`) } : {}),
    };
    const write = (existing: number | null) => {
      if (existing === null) return s.relays.create(statementId, input).id;
      const current = s.relays.get(existing);
      if (current.statement_id !== statementId) {
        throw unprocessable('A hop cannot move to another statement.', [
          { in: 'body', pointer: '/statement', message: `relay '${r.key}' already belongs to statement ${current.statement_id}` },
        ]);
      }
      return s.relays.update(existing, input).id;
    };
    run.upsert('relay', r, write, itemAt(path, { relayedById: 'relayedBy', viaRelayId: 'via', documentId: 'document' }));
  }
};

// Links have no key: one statement's stance on one claim, recognised by the pair.
const links: Applier = (run, s) =>
  (run.bundle.links ?? []).forEach((l, i) => {
    const path = `/links/${i}`;
    const statementId = run.resolve('statement', l.statement, `${path}/statement`)!;
    const claimId = run.resolve('claim', l.claim, `${path}/claim`)!;
    const before = s.claims.stanceOf(claimId, statementId);
    let outcome: BundleItemResult['outcome'] = 'existing';
    if (before === undefined) outcome = 'created';
    else if (before !== l.stance) outcome = 'updated';
    if (outcome !== 'existing') s.claims.link(claimId, statementId, l.stance);
    run.items.push({ type: 'link', key: `${l.statement}~${l.claim}`, statementId, claimId, outcome });
  });

// Tags last: they point into document bodies and at statements and hops the bundle has written.
const tags: Applier = (run, s) =>
  (run.bundle.tags ?? []).forEach((tag, i) => {
    const path = `/tags/${i}`;
    const documentId = run.resolve('document', tag.document, `${path}/document`)!;
    const input = {
      selector: tag.selector,
      statementId: run.resolve('statement', tag.statement, `${path}/statement`)!,
      ...(tag.via !== undefined ? { viaRelayId: run.resolve('relay', tag.via, `${path}/via`) } : {}),
    };
    const write = (existing: number | null) => {
      // A tag is its anchoring: a changed item is a new tag in place of the old one.
      if (existing) s.tags.delete(existing);
      return s.tags.create(documentId, input).id;
    };
    run.upsert('tag', tag, write, itemAt(path, { statementId: 'statement', viaRelayId: 'via' }));
  });

/** The appliers in the order a bundle is written. */
export const APPLIERS: Applier[] = [actors, documents, statements, claims, relays, links, tags];
