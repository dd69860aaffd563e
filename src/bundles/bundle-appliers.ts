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

export type Applier = (run: BundleRun, s: BundleServices) => Promise<void>;

// Actors first without acting-for, which may point at actors later in the list; then acting-for.
const actors: Applier = async (run, s) => {
  const list = run.bundle.actors ?? [];
  for (const [i, a] of list.entries()) {
    const { key: _key, actsFor: _actsFor, ...fields } = a;
    await run.upsert(
      'actor',
      a,
      async (existing) => (existing ? (await s.actors.update(existing, fields)).id : (await s.actors.create(fields)).id),
      itemAt(`/actors/${i}`),
    );
  }
  for (const [i, a] of list.entries()) {
    if (a.actsFor === undefined) continue;
    const path = `/actors/${i}`;
    const actsForId = await run.resolve('actor', a.actsFor, `${path}/actsFor`);
    const id = run.idOf('actor', a.key)!;
    if ((await s.actors.get(id)).acts_for_id === actsForId) continue;
    await rebased(() => s.actors.update(id, { actsForId }), itemAt(path, { actsForId: 'actsFor' }));
  }
};

const documents: Applier = async (run, s) => {
  for (const [i, d] of (run.bundle.documents ?? []).entries()) {
    const path = `/documents/${i}`;
    const { key: _key, outlet, ...fields } = d;
    const input = { ...fields, outletId: (await run.resolve('actor', outlet, `${path}/outlet`))! };
    await run.upsert(
      'document',
      d,
      async (existing) => (existing ? (await s.documents.update(existing, input)).row.id : (await s.documents.create(input)).id),
      itemAt(path, { outletId: 'outlet' }),
    );
  }
};

const statements: Applier = async (run, s) => {
  for (const [i, st] of (run.bundle.statements ?? []).entries()) {
    const path = `/statements/${i}`;
    const { key: _key, speaker, mediumPublisher, ...fields } = st;
    const input = {
      ...fields,
      speakerId: (await run.resolve('actor', speaker, `${path}/speaker`))!,
      ...(mediumPublisher !== undefined
        ? { mediumPublisherId: await run.resolve('actor', mediumPublisher, `${path}/mediumPublisher`) }
        : {}),
    };
    await run.upsert(
      'statement',
      st,
      async (existing) => (existing ? (await s.statements.update(existing, input)).id : (await s.statements.create(input)).id),
      itemAt(path, { speakerId: 'speaker', mediumPublisherId: 'mediumPublisher' }),
    );
  }
};

// Claim errors are answered as the claim service words them (no item pointer), as they always were.
const claims: Applier = async (run, s) => {
  for (const c of run.bundle.claims ?? []) {
    const { key: _key, ...input } = c;
    await run.upsert('claim', c, async (existing) =>
      existing ? (await s.claims.update(existing, input)).id : (await s.claims.create(input)).id,
    );
  }
};

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

const relays: Applier = async (run, s) => {
  for (const { r, i } of hopOrder(run.bundle.relays ?? [])) {
    const path = `/relays/${i}`;
    const statementId = (await run.resolve('statement', r.statement, `${path}/statement`))!;
    const { key: _key, statement: _statement, relayedBy, via, document, ...fields } = r;
    const input = {
      ...fields,
      relayedById: (await run.resolve('actor', relayedBy, `${path}/relayedBy`))!,
      ...(via !== undefined ? { viaRelayId: await run.resolve('relay', via, `${path}/via`) } : {}),
      ...(document !== undefined ? { documentId: await run.resolve('document', document, `${path}/document`) } : {}),
    };
    const write = async (existing: number | null) => {
      if (existing === null) return (await s.relays.create(statementId, input)).id;
      const current = await s.relays.get(existing);
      if (current.statement_id !== statementId) {
        throw unprocessable('A hop cannot move to another statement.', [
          { in: 'body', pointer: '/statement', message: `relay '${r.key}' already belongs to statement ${current.statement_id}` },
        ]);
      }
      return (await s.relays.update(existing, input)).id;
    };
    await run.upsert('relay', r, write, itemAt(path, { relayedById: 'relayedBy', viaRelayId: 'via', documentId: 'document' }));
  }
};

// Links have no key: one statement's stance on one claim, recognised by the pair.
const links: Applier = async (run, s) => {
  for (const [i, l] of (run.bundle.links ?? []).entries()) {
    const path = `/links/${i}`;
    const statementId = (await run.resolve('statement', l.statement, `${path}/statement`))!;
    const claimId = (await run.resolve('claim', l.claim, `${path}/claim`))!;
    const before = await s.claims.stanceOf(claimId, statementId);
    let outcome: BundleItemResult['outcome'] = 'existing';
    if (before === undefined) outcome = 'created';
    else if (before !== l.stance) outcome = 'updated';
    if (outcome !== 'existing') await s.claims.link(claimId, statementId, l.stance);
    run.items.push({ type: 'link', key: `${l.statement}~${l.claim}`, statementId, claimId, outcome });
  }
};

// Tags last: they point into document bodies and at statements and hops the bundle has written.
const tags: Applier = async (run, s) => {
  for (const [i, tag] of (run.bundle.tags ?? []).entries()) {
    const path = `/tags/${i}`;
    const documentId = (await run.resolve('document', tag.document, `${path}/document`))!;
    const input = {
      selector: tag.selector,
      statementId: (await run.resolve('statement', tag.statement, `${path}/statement`))!,
      ...(tag.via !== undefined ? { viaRelayId: await run.resolve('relay', tag.via, `${path}/via`) } : {}),
    };
    const write = async (existing: number | null) => {
      // A tag is its anchoring: a changed item is a new tag in place of the old one.
      if (existing) await s.tags.delete(existing);
      return (await s.tags.create(documentId, input)).id;
    };
    await run.upsert('tag', tag, write, itemAt(path, { statementId: 'statement', viaRelayId: 'via' }));
  }
};

/** The appliers in the order a bundle is written. */
export const APPLIERS: Applier[] = [actors, documents, statements, claims, relays, links, tags];
