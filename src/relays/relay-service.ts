import type { Relay, RelayCreate, RelayPatch } from '../generated/schema-types.js';
import { conflict, notFound, unprocessable, type FieldError } from '../http/problem.js';
import { nowIso, precisionOf } from '../shared/partial-date.js';
import type { ActorRepository } from '../actors/actor-repository.js';
import { isConstraintError, refuseIfReferenced, writeThenExplain } from '../shared/records.js';
import type { DocumentRepository } from '../documents/document-repository.js';
import type { StatementRepository } from '../statements/statement-repository.js';
import type { RelayRepository, RelayRow } from './relay-repository.js';

export function relayToApi(row: RelayRow): Relay {
  return {
    id: row.id,
    statementId: row.statement_id,
    relayedById: row.relayed_by_id,
    viaRelayId: row.via_relay_id,
    documentId: row.document_id,
    firstHand: row.first_hand === 1,
    mode: row.mode as Relay['mode'],
    cue: row.cue,
    hedge: row.hedge as Relay['hedge'],
    relayedOn: row.relayed_on,
    relayedOnPrecision: precisionOf(row.relayed_on),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function relayColumns(r: RelayCreate) {
  const via = r.viaRelayId ?? null;
  return {
    relayed_by_id: r.relayedById,
    via_relay_id: via,
    document_id: r.documentId ?? null,
    first_hand: (r.firstHand ?? via === null) ? 1 : 0,
    mode: r.mode,
    cue: r.cue ?? null,
    hedge: r.hedge ?? 'said',
    relayed_on: r.relayedOn ?? null,
  };
}

/** A new hop of a statement, as createEach takes it. */
export interface NewRelay {
  statementId: number;
  relay: RelayCreate;
}

/** The one rule the database does not hold: a hop that came through an earlier hop is not first-hand. */
const firstHandVia = (r: RelayCreate) => r.viaRelayId != null && r.firstHand === true;

function rowToCreate(row: RelayRow): RelayCreate {
  const { id: _i, statementId: _s, relayedOnPrecision: _p, createdAt: _c, updatedAt: _u, ...rest } = relayToApi(row);
  return rest as RelayCreate;
}

export class RelayService {
  constructor(
    private readonly repo: RelayRepository,
    private readonly statements: StatementRepository,
    private readonly actors: ActorRepository,
    private readonly documents: DocumentRepository,
  ) {}

  async get(id: number): Promise<RelayRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('relay', id);
    return row;
  }

  async create(statementId: number, input: RelayCreate): Promise<RelayRow> {
    const explain = () => this.explainCreate(statementId, input);
    // The one rule the database does not hold: refused before writing, with every other reason found.
    if (firstHandVia(input)) await explain();
    const now = nowIso();
    // The foreign keys and the same-statement trigger refuse the rest (migrations/2026-11-27T0800-records.ts).
    return writeThenExplain(
      this.repo.db,
      () => this.repo.insert({ statement_id: statementId, ...relayColumns(input), created_at: now, updated_at: now }),
      explain,
    );
  }

  /**
   * Creates hops one after another in one database call, as StatementService.createEach does statements:
   * each refused for what create refuses it for, with the same explanation.
   */
  async createEach(count: number, input: (i: number) => NewRelay, created: (i: number, id: number) => void): Promise<void> {
    const now = nowIso();
    let last!: NewRelay;
    let refusedBeforeWriting = false;
    try {
      await this.repo.insertEach(
        count,
        (i) => {
          last = input(i);
          refusedBeforeWriting = firstHandVia(last.relay);
          if (refusedBeforeWriting) throw new Error('a first-hand hop that came through an earlier hop');
          return { statement_id: last.statementId, ...relayColumns(last.relay), created_at: now, updated_at: now };
        },
        created,
      );
    } catch (err) {
      if (refusedBeforeWriting || isConstraintError(err)) await this.explainCreate(last.statementId, last.relay);
      throw err;
    }
  }

  /** Why a new hop was (or would be) refused: throws the 4xx naming every reason found. */
  private async explainCreate(statementId: number, input: RelayCreate): Promise<void> {
    if (!(await this.statements.exists(statementId))) throw notFound('statement', statementId);
    await this.check(statementId, null, input);
  }

  async update(id: number, patch: RelayPatch): Promise<RelayRow> {
    const current = await this.get(id);
    const merged = { ...rowToCreate(current), ...patch } as RelayCreate;
    // Naming an earlier hop makes the hop second-hand unless the patch says otherwise.
    if (patch.viaRelayId != null && patch.firstHand === undefined) merged.firstHand = false;
    if (patch.viaRelayId === null && patch.firstHand === undefined)
      merged.firstHand = current.via_relay_id === null ? current.first_hand === 1 : true;
    await this.check(current.statement_id, id, merged);
    await this.repo.update(id, { ...relayColumns(merged), updated_at: nowIso() });
    return (await this.repo.get(id))!;
  }

  async delete(id: number, cascade: boolean): Promise<void> {
    await this.get(id);
    if (!cascade)
      refuseIfReferenced(
        `Relay ${id}`,
        await this.repo.references(id),
        'pass cascade=true to delete the hops that came through it and their tags.',
      );
    await this.repo.delete(id);
  }

  private async check(statementId: number, selfId: number | null, r: RelayCreate): Promise<void> {
    const errors: FieldError[] = [];
    if (!(await this.actors.exists(r.relayedById)))
      errors.push({ in: 'body', pointer: '/relayedById', message: 'must be the id of an existing actor' });
    if (r.documentId != null && !(await this.documents.exists(r.documentId)))
      errors.push({ in: 'body', pointer: '/documentId', message: 'must be the id of an existing document' });
    if (r.viaRelayId != null && r.firstHand === true)
      errors.push({ in: 'body', pointer: '/firstHand', message: 'cannot be true for a hop that came through an earlier hop' });
    if (r.viaRelayId != null) {
      const via = await this.repo.get(r.viaRelayId);
      if (!via) errors.push({ in: 'body', pointer: '/viaRelayId', message: 'must be the id of an existing relay' });
      else if (via.statement_id !== statementId)
        errors.push({
          in: 'body',
          pointer: '/viaRelayId',
          message: `must be a hop of statement ${statementId}; relay ${via.id} belongs to statement ${via.statement_id}`,
        });
    }
    if (errors.length) throw unprocessable('The relay refers to records that do not exist or do not fit.', errors);
    if (selfId !== null && r.viaRelayId != null && (await this.repo.isAncestorOrSelf(selfId, r.viaRelayId))) {
      throw conflict(
        `Relay ${selfId} cannot come via relay ${r.viaRelayId}: relay ${r.viaRelayId} already comes through relay ${selfId}, so the hops would form a cycle.`,
      );
    }
  }
}
