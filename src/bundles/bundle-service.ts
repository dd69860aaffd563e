import { createHash } from 'node:crypto';
import type {
  Bundle,
  BundleActor,
  BundleClaim,
  BundleDocument,
  BundleItemResult,
  BundleRelay,
  BundleResult,
  BundleStatement,
  BundleRef,
} from '../generated/schema-types.js';
import { HttpError, unprocessable, type FieldError } from '../http/problem.js';
import type { ActorService } from '../actors/actor-service.js';
import type { ClaimService } from '../claims/claim-service.js';
import type { DocumentService } from '../documents/document-service.js';
import type { RelayService } from '../relays/relay-service.js';
import type { StatementService } from '../statements/statement-service.js';
import { canonicalize } from '../shared/canonical-json.js';
import { hasConfidential, withoutConfidential } from '../access/field-permissions.js';
import type { TagService } from '../tags/tag-service.js';
import type { BundleRepository, RecordType } from './bundle-repository.js';

export interface BundleServices {
  actors: ActorService;
  documents: DocumentService;
  statements: StatementService;
  relays: RelayService;
  claims: ClaimService;
  tags: TagService;
}

// The digest that tells an unchanged item from a changed one on a second post.
const digest = (item: unknown): string => createHash('sha256').update(canonicalize(item)).digest('hex');

/** Re-points a service error at the bundle item that caused it. */
function atItem(err: unknown, path: string, refFields: Record<string, string>): never {
  if (err instanceof HttpError) {
    const errors = (err.extra.errors as FieldError[] | undefined)?.map((e) => ({
      ...e,
      pointer: path + e.pointer.replace(/^\/(\w+)/, (m, f: string) => (refFields[f] ? `/${refFields[f]}` : m)),
    }));
    throw new HttpError(err.status, err.code, err.title, `${path}: ${err.message}`, {
      ...err.extra,
      ...(errors ? { errors } : {}),
      item: path,
    });
  }
  throw err;
}

/**
 * A bundle is applied inside the caller's transaction: any failing item throws, and nothing stays written.
 * Keys are remembered per namespace, so a second post of the same bundle finds every record again.
 */
export class BundleService {
  constructor(
    private readonly repo: BundleRepository,
    private readonly s: BundleServices,
  ) {}

  apply(bundle: Bundle): BundleResult {
    const ns = bundle.namespace;
    const ids: Record<RecordType, Map<string, number>> = {
      actor: new Map(),
      document: new Map(),
      statement: new Map(),
      relay: new Map(),
      claim: new Map(),
      tag: new Map(),
    };
    const items: BundleItemResult[] = [];

    const checkDuplicateKeys = (type: RecordType, list: Array<{ key: string }> | undefined, field: string) => {
      const seen = new Set<string>();
      list?.forEach((it, i) => {
        if (seen.has(it.key))
          throw unprocessable(`/${field}/${i}: key '${it.key}' is used twice.`, [
            { in: 'body', pointer: `/${field}/${i}/key`, message: `duplicates an earlier ${type} key` },
          ]);
        seen.add(it.key);
      });
    };
    checkDuplicateKeys('actor', bundle.actors, 'actors');
    checkDuplicateKeys('document', bundle.documents, 'documents');
    checkDuplicateKeys('statement', bundle.statements, 'statements');
    checkDuplicateKeys('relay', bundle.relays, 'relays');
    checkDuplicateKeys('claim', bundle.claims, 'claims');
    checkDuplicateKeys('tag', bundle.tags, 'tags');

    const declared = (list: Array<{ key: string }> | undefined) => new Set<string>(list?.map((x) => x.key) ?? []);
    const declaredKeys: Record<RecordType, Set<string>> = {
      actor: declared(bundle.actors),
      document: declared(bundle.documents),
      statement: declared(bundle.statements),
      relay: declared(bundle.relays),
      claim: declared(bundle.claims),
      tag: declared(bundle.tags),
    };

    const resolve = (type: RecordType, ref: BundleRef | null | undefined, pointer: string): number | null => {
      if (ref === null || ref === undefined) return null;
      if (typeof ref === 'number') {
        if (!this.repo.exists(type, ref))
          throw unprocessable(`${pointer}: no ${type} with id ${ref}.`, [
            { in: 'body', pointer, message: `must be the key of a ${type} in this bundle or the id of an existing one` },
          ]);
        return ref;
      }
      const id = ids[type].get(ref);
      if (id === undefined) {
        const why = declaredKeys[type].has(ref)
          ? `refers to ${type} '${ref}' before it can exist (a cycle of references)`
          : `names no ${type} with key '${ref}' in this bundle`;
        throw unprocessable(`${pointer}: ${why}.`, [{ in: 'body', pointer, message: why }]);
      }
      return id;
    };

    /** Create, update or recognise one keyed item. */
    const upsert = <I extends { key: string }>(type: RecordType, item: I, write: (existingId: number | null) => number) => {
      // Confidential fields never decide the answer, so a re-post cannot test a guess of them; an item
      // carrying any is always written, so its writer is always authorized for them.
      const d = digest(withoutConfidential(type, item));
      const known = this.repo.lookup(ns, type, item.key);
      let id: number;
      let outcome: BundleItemResult['outcome'];
      if (known && known.digest === d && !hasConfidential(type, item)) {
        id = known.recordId;
        outcome = 'existing';
      } else {
        id = write(known ? known.recordId : null);
        outcome = known ? 'updated' : 'created';
        this.repo.remember(ns, type, item.key, id, d);
      }
      ids[type].set(item.key, id);
      items.push({ type, key: item.key, id, outcome });
    };

    // Actors first without acting-for, which may point at actors later in the list; then acting-for.
    const actorItems = bundle.actors ?? [];
    actorItems.forEach((a: BundleActor, i) => {
      const path = `/actors/${i}`;
      const { key: _key, actsFor: _actsFor, ...fields } = a;
      upsert('actor', a, (existing) => {
        try {
          return existing ? this.s.actors.update(existing, fields).id : this.s.actors.create(fields).id;
        } catch (e) {
          atItem(e, path, {});
        }
      });
    });
    actorItems.forEach((a, i) => {
      if (a.actsFor === undefined) return;
      const path = `/actors/${i}`;
      const actsForId = resolve('actor', a.actsFor, `${path}/actsFor`);
      const id = ids.actor.get(a.key)!;
      if (this.s.actors.get(id).acts_for_id === actsForId) return;
      try {
        this.s.actors.update(id, { actsForId });
      } catch (e) {
        atItem(e, path, { actsForId: 'actsFor' });
      }
    });

    (bundle.documents ?? []).forEach((d: BundleDocument, i) => {
      const path = `/documents/${i}`;
      const { key: _key, outlet, ...fields } = d;
      const input = { ...fields, outletId: resolve('actor', outlet, `${path}/outlet`)! };
      upsert('document', d, (existing) => {
        try {
          return existing ? this.s.documents.update(existing, input).row.id : this.s.documents.create(input).id;
        } catch (e) {
          atItem(e, path, { outletId: 'outlet' });
        }
      });
    });

    (bundle.statements ?? []).forEach((st: BundleStatement, i) => {
      const path = `/statements/${i}`;
      const { key: _key, speaker, mediumPublisher, ...fields } = st;
      const input = {
        ...fields,
        speakerId: resolve('actor', speaker, `${path}/speaker`)!,
        ...(mediumPublisher !== undefined ? { mediumPublisherId: resolve('actor', mediumPublisher, `${path}/mediumPublisher`) } : {}),
      };
      upsert('statement', st, (existing) => {
        try {
          return existing ? this.s.statements.update(existing, input).id : this.s.statements.create(input).id;
        } catch (e) {
          atItem(e, path, { speakerId: 'speaker', mediumPublisherId: 'mediumPublisher' });
        }
      });
    });

    (bundle.claims ?? []).forEach((c: BundleClaim) => {
      const { key: _key, ...input } = c;
      upsert('claim', c, (existing) => (existing ? this.s.claims.update(existing, input).id : this.s.claims.create(input).id));
    });

    // Relays in an order where each earlier hop comes before the hops taken from it.
    const relayItems = (bundle.relays ?? []).map((r, i) => ({ r, i }));
    const pending = new Map(relayItems.map((x) => [x.r.key, x]));
    const ordered: typeof relayItems = [];
    const visiting = new Set<string>();
    const visit = (x: (typeof relayItems)[number]) => {
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
    relayItems.forEach(visit);
    for (const { r, i } of ordered) {
      const path = `/relays/${i}`;
      const statementId = resolve('statement', r.statement, `${path}/statement`)!;
      const { key: _key, statement: _statement, relayedBy, via, document, ...fields } = r;
      const input = {
        ...fields,
        relayedById: resolve('actor', relayedBy, `${path}/relayedBy`)!,
        ...(via !== undefined ? { viaRelayId: resolve('relay', via, `${path}/via`) } : {}),
        ...(document !== undefined ? { documentId: resolve('document', document, `${path}/document`) } : {}),
      };
      upsert('relay', r as BundleRelay, (existing) => {
        try {
          if (existing) {
            const current = this.s.relays.get(existing);
            if (current.statement_id !== statementId) {
              throw unprocessable('A hop cannot move to another statement.', [
                { in: 'body', pointer: '/statement', message: `relay '${r.key}' already belongs to statement ${current.statement_id}` },
              ]);
            }
            return this.s.relays.update(existing, input).id;
          }
          return this.s.relays.create(statementId, input).id;
        } catch (e) {
          atItem(e, path, { relayedById: 'relayedBy', viaRelayId: 'via', documentId: 'document' });
        }
      });
    }

    (bundle.links ?? []).forEach((l, i) => {
      const path = `/links/${i}`;
      const statementId = resolve('statement', l.statement, `${path}/statement`)!;
      const claimId = resolve('claim', l.claim, `${path}/claim`)!;
      const before = this.s.claims.stanceOf(claimId, statementId);
      let outcome: BundleItemResult['outcome'] = 'existing';
      if (before === undefined) outcome = 'created';
      else if (before !== l.stance) outcome = 'updated';
      if (outcome !== 'existing') this.s.claims.link(claimId, statementId, l.stance);
      items.push({ type: 'link', key: `${l.statement}~${l.claim}`, statementId, claimId, outcome });
    });

    // Tags last: they point into document bodies and at statements and hops the bundle has written.
    (bundle.tags ?? []).forEach((tag, i) => {
      const path = `/tags/${i}`;
      const documentId = resolve('document', tag.document, `${path}/document`)!;
      const input = {
        selector: tag.selector,
        statementId: resolve('statement', tag.statement, `${path}/statement`)!,
        ...(tag.via !== undefined ? { viaRelayId: resolve('relay', tag.via, `${path}/via`) } : {}),
      };
      upsert('tag', tag, (existing) => {
        try {
          // A tag is its anchoring: a changed item is a new tag in place of the old one.
          if (existing) this.s.tags.delete(existing);
          return this.s.tags.create(documentId, input).id;
        } catch (e) {
          atItem(e, path, { statementId: 'statement', viaRelayId: 'via' });
        }
      });
    });

    const count = (o: string) => items.filter((x) => x.outcome === o).length;
    return { namespace: ns, created: count('created'), updated: count('updated'), existing: count('existing'), items };
  }
}
