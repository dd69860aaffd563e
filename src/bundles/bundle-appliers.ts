// One applier per kind of bundle item, in the order a bundle is written: each item may refer to items of
// the kinds before it (and actors to each other, relays to earlier relays).
import type { BundleItemResult, BundleRelay } from '../generated/schema-types.js';
import { rebased, unprocessable } from '../http/problem.js';
import type { ActorService } from '../actors/actor-service.js';
import type { ClaimService } from '../claims/claim-service.js';
import type { DocumentService } from '../documents/document-service.js';
import type { NewRelay, RelayService } from '../relays/relay-service.js';
import type { StatementService } from '../statements/statement-service.js';
import type { TagService } from '../tags/tag-service.js';
import type { TagCreate2 } from '../generated/schema-types.js';
import { itemAt, type BundleRun, type ItemWriter } from './bundle-run.js';

export interface BundleServices {
  actors: ActorService;
  documents: DocumentService;
  statements: StatementService;
  relays: RelayService;
  claims: ClaimService;
  tags: TagService;
}

export type Applier = (run: BundleRun, s: BundleServices) => Promise<void>;

/** A createEach for records a service creates one at a time (a tag anchors itself in its document first). */
const oneByOne =
  <In>(create: (input: In) => Promise<number>): ItemWriter<unknown, In>['createEach'] =>
  async (count, input, created) => {
    for (let j = 0; j < count; j++) created(j, await create(input(j)));
  };

// Actors first without acting-for, which may point at actors later in the list; then acting-for.
const actors: Applier = async (run, s) => {
  const list = run.bundle.actors ?? [];
  await run.writeAll('actor', list, {
    input: ({ key: _key, actsFor: _actsFor, ...fields }) => fields,
    createEach: (count, input, created) => s.actors.createEach(count, input, created),
    update: async (id, fields) => (await s.actors.update(id, fields)).id,
    at: (i) => itemAt(`/actors/${i}`),
  });
  await run.checkIds({ actor: list.map((a) => a.actsFor) });
  for (const [i, a] of list.entries()) {
    if (a.actsFor === undefined) continue;
    const path = `/actors/${i}`;
    const actsForId = run.resolve('actor', a.actsFor, `${path}/actsFor`);
    const id = run.idOf('actor', a.key)!;
    if ((await s.actors.get(id)).acts_for_id === actsForId) continue;
    await rebased(() => s.actors.update(id, { actsForId }), itemAt(path, { actsForId: 'actsFor' }));
  }
};

const documents: Applier = async (run, s) => {
  const list = run.bundle.documents ?? [];
  await run.checkIds({ actor: list.map((d) => d.outlet) });
  await run.writeAll('document', list, {
    input: ({ key: _key, outlet, ...fields }, i) => ({ ...fields, outletId: run.resolve('actor', outlet, `/documents/${i}/outlet`)! }),
    createEach: (count, input, created) => s.documents.createEach(count, input, created),
    update: async (id, input) => (await s.documents.update(id, input)).row.id,
    at: (i) => itemAt(`/documents/${i}`, { outletId: 'outlet' }),
  });
};

const statements: Applier = async (run, s) => {
  const list = run.bundle.statements ?? [];
  await run.checkIds({ actor: list.flatMap((st) => [st.speaker, st.mediumPublisher]) });
  await run.writeAll('statement', list, {
    input: ({ key: _key, speaker, mediumPublisher, ...fields }, i) => ({
      ...fields,
      speakerId: run.resolve('actor', speaker, `/statements/${i}/speaker`)!,
      ...(mediumPublisher !== undefined
        ? { mediumPublisherId: run.resolve('actor', mediumPublisher, `/statements/${i}/mediumPublisher`) }
        : {}),
    }),
    createEach: (count, input, created) => s.statements.createEach(count, input, created),
    update: async (id, input) => (await s.statements.update(id, input)).id,
    at: (i) => itemAt(`/statements/${i}`, { speakerId: 'speaker', mediumPublisherId: 'mediumPublisher' }),
  });
};

// Claim errors are answered as the claim service words them (no item pointer), as they always were.
const claims: Applier = async (run, s) => {
  await run.writeAll('claim', run.bundle.claims ?? [], {
    input: ({ key: _key, ...input }) => input,
    createEach: (count, input, created) => s.claims.createEach(count, input, created),
    update: async (id, input) => (await s.claims.update(id, input)).id,
  });
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
  const list = run.bundle.relays ?? [];
  await run.checkIds({
    statement: list.map((r) => r.statement),
    actor: list.map((r) => r.relayedBy),
    relay: list.map((r) => r.via),
    document: list.map((r) => r.document),
  });
  const input = (r: BundleRelay, i: number): NewRelay => {
    const path = `/relays/${i}`;
    const statementId = run.resolve('statement', r.statement, `${path}/statement`)!;
    const { key: _key, statement: _statement, relayedBy, via, document, ...fields } = r;
    const relay = {
      ...fields,
      relayedById: run.resolve('actor', relayedBy, `${path}/relayedBy`)!,
      ...(via !== undefined ? { viaRelayId: run.resolve('relay', via, `${path}/via`) } : {}),
      ...(document !== undefined ? { documentId: run.resolve('document', document, `${path}/document`) } : {}),
    };
    return { statementId, relay };
  };
  const update = async (id: number, { statementId, relay }: NewRelay, r: BundleRelay) => {
    const current = await s.relays.get(id);
    if (current.statement_id !== statementId) {
      throw unprocessable('A hop cannot move to another statement.', [
        { in: 'body', pointer: '/statement', message: `relay '${r.key}' already belongs to statement ${current.statement_id}` },
      ]);
    }
    return (await s.relays.update(id, relay)).id;
  };
  const order = hopOrder(list).map((x) => x.i);
  await run.writeAll(
    'relay',
    list,
    {
      input,
      createEach: (count, inputs, created) => s.relays.createEach(count, inputs, created),
      update,
      at: (i) => itemAt(`/relays/${i}`, { relayedById: 'relayedBy', viaRelayId: 'via', documentId: 'document' }),
    },
    order,
  );
};

// Links have no key: one statement's stance on one claim, recognised by the pair.
const links: Applier = async (run, s) => {
  const list = run.bundle.links ?? [];
  await run.checkIds({ statement: list.map((l) => l.statement), claim: list.map((l) => l.claim) });
  // The stances this bundle has set so far; a statement it created had none before (its links cascade
  // away with a deleted statement, so not even a reused id has any): no read for those.
  const set = new Map<string, string>();
  for (const [i, l] of list.entries()) {
    const path = `/links/${i}`;
    const statementId = run.resolve('statement', l.statement, `${path}/statement`)!;
    const claimId = run.resolve('claim', l.claim, `${path}/claim`)!;
    const pair = `${claimId} ${statementId}`;
    let before: string | undefined;
    if (set.has(pair)) before = set.get(pair);
    else if (!run.isNew('statement', statementId)) before = await s.claims.stanceOf(claimId, statementId);
    let outcome: BundleItemResult['outcome'] = 'existing';
    if (before === undefined) outcome = 'created';
    else if (before !== l.stance) outcome = 'updated';
    if (outcome !== 'existing') await s.claims.setStance(claimId, statementId, l.stance);
    set.set(pair, l.stance);
    run.items.push({ type: 'link', key: `${l.statement}~${l.claim}`, statementId, claimId, outcome });
  }
};

// Tags last: they point into document bodies and at statements and hops the bundle has written.
const tags: Applier = async (run, s) => {
  const list = run.bundle.tags ?? [];
  await run.checkIds({
    document: list.map((t) => t.document),
    statement: list.map((t) => t.statement),
    relay: list.map((t) => t.via),
  });
  const create = async ({ documentId, tag }: { documentId: number; tag: TagCreate2 }) => (await s.tags.create(documentId, tag)).id;
  await run.writeAll('tag', list, {
    input: (tag, i) => ({
      documentId: run.resolve('document', tag.document, `/tags/${i}/document`)!,
      tag: {
        selector: tag.selector,
        statementId: run.resolve('statement', tag.statement, `/tags/${i}/statement`)!,
        ...(tag.via !== undefined ? { viaRelayId: run.resolve('relay', tag.via, `/tags/${i}/via`) } : {}),
      },
    }),
    createEach: oneByOne(create),
    // A tag is its anchoring: a changed item is a new tag in place of the old one.
    update: async (id, input) => {
      await s.tags.delete(id);
      return create(input);
    },
    at: (i) => itemAt(`/tags/${i}`, { statementId: 'statement', viaRelayId: 'via' }),
  });
};

/** The appliers in the order a bundle is written. */
export const APPLIERS: Applier[] = [actors, documents, statements, claims, relays, links, tags];
