import { createHash } from 'node:crypto';
import { actorToApi } from '../actors/actor-service.js';
import { claimToApi } from '../claims/claim-service.js';
import { documentToApi } from '../documents/document-service.js';
import type { Bundle, BundleActor, BundleClaim, BundleRelay, BundleStatement, BundleTag } from '../generated/schema-types.js';
import { relayToApi } from '../relays/relay-service.js';
import { statementToApi } from '../statements/statement-service.js';
import { OPERATOR } from '../access/field-permissions.js';
import type { TransferRepository } from './transfer-repository.js';

/** Items per line: small enough to apply and hold in memory quickly, large enough to keep lines few. */
export const ITEMS_PER_BUNDLE = 1000;

// The export is the whole database, confidential fields included: it is what an operator restores from.

export const keyOf = {
  actor: (id: number) => `actor-${id}`,
  document: (id: number) => `document-${id}`,
  statement: (id: number) => `statement-${id}`,
  claim: (id: number) => `claim-${id}`,
  relay: (id: number) => `relay-${id}`,
  tag: (id: number) => `tag-${id}`,
};
const ref = (key: (id: number) => string, id: number | null) => (id === null ? null : key(id));

/** Drops nulls (absent and null mean the same to a create) so lines stay short. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/**
 * The namespace of a database's export: the same for every export of one database (and of its backups), so
 * importing a newer export updates what an older one wrote, and different for different databases, so two
 * newsrooms' exports never overwrite each other's records.
 */
export async function exportNamespace(repo: TransferRepository): Promise<string> {
  const seed = (await repo.firstChangeHash()) ?? 'no-history';
  return `whosaid-export-${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
}

export interface ExportTally {
  /** Bundle items written (an actor written twice, see actorBundles, counts twice). */
  records: number;
  /** Tags whose text is gone from their document (orphaned): there is no span left to export. */
  skippedOrphanedTags: number;
}

/**
 * Emits rows in id order, except that a row pointing at a later row waits until that one is out: an
 * import creates records in line order, so an export of a database without gaps in its ids recreates
 * every record under its id (and so byte-identical audit reports).
 */
async function* dependencyOrder<R extends { id: number }>(
  rows: AsyncIterable<R>,
  dependency: (row: R) => number | null,
): AsyncGenerator<R> {
  const waiting = new Map<number, R[]>();
  const held = new Set<number>();
  function* release(id: number): Generator<R> {
    const list = waiting.get(id);
    if (!list) return;
    waiting.delete(id);
    for (const r of list) {
      held.delete(r.id);
      yield r;
      yield* release(r.id);
    }
  }
  for await (const row of rows) {
    const dep = dependency(row);
    if (dep !== null && (dep > row.id || held.has(dep))) {
      held.add(row.id);
      waiting.set(dep, [...(waiting.get(dep) ?? []), row]);
      continue;
    }
    yield row;
    yield* release(row.id);
  }
  for (const list of waiting.values()) yield* list; // dependencies that do not exist: the import names them
}

async function* chunks<T>(items: AsyncIterable<T> | Iterable<T>, wrap: (list: T[]) => Bundle): AsyncGenerator<Bundle> {
  let list: T[] = [];
  for await (const item of items) {
    list.push(item);
    if (list.length === ITEMS_PER_BUNDLE) {
      yield wrap(list);
      list = [];
    }
  }
  if (list.length) yield wrap(list);
}

async function* map<A, B>(xs: AsyncIterable<A>, f: (x: A) => B | undefined): AsyncGenerator<B> {
  for await (const x of xs) {
    const y = f(x);
    if (y !== undefined) yield y;
  }
}

function actorItem(row: Parameters<typeof actorToApi>[0]): BundleActor {
  const { id, actsForId, attested: _a, createdAt: _c, updatedAt: _u, attestation, ...fields } = actorToApi(row, OPERATOR);
  const by = attestation as { by: string; note?: string } | null | undefined;
  return compact({
    key: keyOf.actor(id),
    ...fields,
    actsFor: ref(keyOf.actor, actsForId),
    attestation: by ? compact({ by: by.by, note: by.note }) : null,
  }) as BundleActor;
}

/**
 * Actors strictly in id order, so each gets its id back. Acting-for may point at an actor of a later line:
 * such an actor goes out without it first, and once more, whole, after the last actor (an update). Such
 * actors are rare (a line holds 1000); importing the same export again updates them twice instead of
 * skipping them, with the same result.
 */
async function* actorBundles(repo: TransferRepository, wrap: (actors: BundleActor[]) => Bundle): AsyncGenerator<Bundle> {
  const later: BundleActor[] = [];
  let list: Array<{ id: number; actsFor: number | null; item: BundleActor }> = [];
  const flush = () => {
    const last = list.at(-1)!.id;
    const items = list.map(({ actsFor, item }) => {
      if (actsFor === null || actsFor <= last) return item;
      later.push(item);
      const { actsFor: _f, ...rest } = item;
      return rest as BundleActor;
    });
    list = [];
    return wrap(items);
  };
  for await (const row of repo.actors()) {
    list.push({ id: row.id, actsFor: row.acts_for_id, item: actorItem(row) });
    if (list.length === ITEMS_PER_BUNDLE) yield flush();
  }
  if (list.length) yield flush();
  yield* chunks(later, wrap);
}

/** The whole database as bundles, each referring to earlier ones' items by key, in an order an import can apply. */
export async function* exportBundles(repo: TransferRepository, namespace: string, tally: ExportTally): AsyncGenerator<Bundle> {
  const bundle = (part: Omit<Bundle, 'namespace'>): Bundle => {
    for (const list of Object.values(part)) tally.records += (list as unknown[]).length;
    return { namespace, ...part };
  };

  yield* actorBundles(repo, (actors) => bundle({ actors }));
  yield* chunks(
    map(repo.documents(), (row) => {
      const { id, outletId, publishedOnPrecision: _p, createdAt: _c, updatedAt: _u, ...fields } = documentToApi(row, true);
      return compact({ key: keyOf.document(id), outlet: keyOf.actor(outletId), ...fields });
    }),
    (documents) => bundle({ documents }),
  );
  yield* chunks(
    map(repo.statements(), (row) => {
      const { id, speakerId, mediumPublisherId, saidOnPrecision: _p, createdAt: _c, updatedAt: _u, ...fields } = statementToApi(row);
      return compact({
        key: keyOf.statement(id),
        speaker: keyOf.actor(speakerId),
        mediumPublisher: ref(keyOf.actor, mediumPublisherId),
        ...fields,
      }) as BundleStatement;
    }),
    (statements) => bundle({ statements }),
  );
  yield* chunks(
    map(repo.claims(), (row) => {
      const { id, createdAt: _c, updatedAt: _u, ...fields } = claimToApi(row);
      return compact({ key: keyOf.claim(id), ...fields }) as BundleClaim;
    }),
    (claims) => bundle({ claims }),
  );
  yield* chunks(
    map(
      dependencyOrder(repo.relays(), (r) => r.via_relay_id),
      (row): BundleRelay => {
        const {
          id,
          statementId,
          relayedById,
          viaRelayId,
          documentId,
          relayedOnPrecision: _p,
          createdAt: _c,
          updatedAt: _u,
          ...fields
        } = relayToApi(row);
        return compact({
          key: keyOf.relay(id),
          statement: keyOf.statement(statementId),
          relayedBy: keyOf.actor(relayedById),
          via: ref(keyOf.relay, viaRelayId),
          document: ref(keyOf.document, documentId),
          ...fields,
        }) as BundleRelay;
      },
    ),
    (relays) => bundle({ relays }),
  );
  yield* chunks(
    map(repo.links(), (l) => ({
      statement: keyOf.statement(l.statement_id),
      claim: keyOf.claim(l.claim_id),
      stance: l.stance as NonNullable<Bundle['links']>[number]['stance'],
    })),
    (links) => bundle({ links }),
  );
  yield* chunks(
    map(repo.tags(), (t): BundleTag | undefined => {
      if (t.start === null || t.end === null) {
        tally.skippedOrphanedTags++;
        return undefined;
      }
      // An anchored tag's quote selector still matches its span; a moved or fuzzy one's may not, and its
      // offsets alone say where it is now.
      const selector =
        t.status === 'anchored'
          ? { start: t.start, end: t.end, exact: t.exact, prefix: t.prefix, suffix: t.suffix }
          : { start: t.start, end: t.end };
      return { key: keyOf.tag(t.id), document: keyOf.document(t.document_id), statement: keyOf.statement(t.statement_id), selector };
    }),
    (tags) => bundle({ tags }),
  );
}
