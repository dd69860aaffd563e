import type { ActorCreate, ActorPatch, Actor, ActorSummary } from '../generated/schema-types.js';
import { parseStored } from '../shared/stored-json.js';
import { conflict, notFound, unprocessable } from '../http/problem.js';
import { nowIso } from '../shared/partial-date.js';
import { canSeeConfidential, type Viewer } from '../shared/viewer.js';
import { authorizeFieldWrites } from '../access/field-permissions.js';
import type { ValidateFunction } from 'ajv';
import { createEachThenExplain, mergePatch, refuseIfReferenced } from '../shared/records.js';
import type { ActorRepository, ActorFilter, ActorRow, ActorSummaryColumns } from './actor-repository.js';

/** An actor summary from its columns as read under `prefix` (see actorSummaryColumns); actsFor is the caller's. */
export function actorSummaryToApi<P extends string = ''>(row: ActorSummaryColumns<P>, prefix = '' as P): ActorSummary {
  const col = <C extends keyof ActorSummaryColumns>(c: C) => (row as Record<string, unknown>)[prefix + c] as ActorSummaryColumns[C];
  return {
    id: col('id'),
    kind: col('kind') as ActorSummary['kind'],
    identityStatus: col('identity_status') as ActorSummary['identityStatus'],
    name: col('name'),
    description: col('description'),
    affiliation: col('affiliation'),
  };
}

/** The fields that say who an actor is, as both the stored view and the create shape name them. */
function describedBy(row: ActorRow) {
  return {
    kind: row.kind as ActorCreate['kind'],
    identityStatus: row.identity_status as ActorCreate['identityStatus'],
    name: row.name,
    description: row.description,
    affiliation: row.affiliation,
    anonymityReason: row.anonymity_reason,
    actsForId: row.acts_for_id,
  };
}

export function actorToApi(row: ActorRow, viewer: Viewer): Actor {
  const attestation = row.attestation ? parseStored<Record<string, unknown>>(row.attestation, 'actor', row.id, 'attestation') : null;
  const out: Actor = {
    id: row.id,
    ...describedBy(row),
    attested: attestation !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (canSeeConfidential(viewer)) {
    out.attestation = attestation;
    out.confidentialNotes = row.confidential_notes;
  }
  return out;
}

/** The create-shaped view of a stored actor, so a patch can be merged and checked as a whole. */
function rowToCreate(row: ActorRow): ActorCreate {
  const att = row.attestation ? parseStored<{ by: string; note?: string }>(row.attestation, 'actor', row.id, 'attestation') : null;
  return {
    ...describedBy(row),
    attestation: att ? { by: att.by, ...(att.note ? { note: att.note } : {}) } : null,
    confidentialNotes: row.confidential_notes,
  };
}

export function actorColumns(a: ActorCreate, previousAttestation?: string | null) {
  let attestation: string | null = null;
  if (a.attestation) {
    const prev = previousAttestation ? JSON.parse(previousAttestation) : null;
    const same = prev && prev.by === a.attestation.by && (prev.note ?? null) === (a.attestation.note ?? null);
    attestation = same ? previousAttestation! : JSON.stringify({ ...a.attestation, at: nowIso() });
  }
  return {
    kind: a.kind,
    identity_status: a.identityStatus,
    name: a.name ?? null,
    description: a.description ?? null,
    affiliation: a.affiliation ?? null,
    anonymity_reason: a.anonymityReason ?? null,
    acts_for_id: a.actsForId ?? null,
    attestation,
    confidential_notes: a.confidentialNotes ?? null,
  };
}

export class ActorService {
  constructor(
    private readonly repo: ActorRepository,
    private readonly validateCreate: ValidateFunction,
    /** Who is writing now (the request's key, or the operator): confidential fields are authorized against it. */
    private readonly writer: () => Viewer,
  ) {}

  async get(id: number): Promise<ActorRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('actor', id);
    return row;
  }

  list(filter: ActorFilter, afterId: number, limit: number): Promise<ActorRow[]> {
    return this.repo.list(filter, afterId, limit + 1);
  }

  async create(input: ActorCreate): Promise<ActorRow> {
    authorizeFieldWrites('actor', input, this.writer());
    if (input.actsForId != null) await this.requireActsFor(input.actsForId, '/actsForId');
    const now = nowIso();
    return this.repo.insert({ ...actorColumns(input), created_at: now, updated_at: now });
  }

  /**
   * Creates actors one after another in one database call, as StatementService.createEach does statements:
   * each authorized as create authorizes it; one naming a missing actor to act for is refused as there.
   */
  createEach(count: number, input: (i: number) => ActorCreate, created: (i: number, id: number) => void): Promise<void> {
    const now = nowIso();
    const writer = this.writer();
    return createEachThenExplain(
      input,
      (a) => {
        authorizeFieldWrites('actor', a, writer);
        return { ...actorColumns(a), created_at: now, updated_at: now };
      },
      (row) => this.repo.insertEach(count, row, created),
      async (a) => {
        if (a.actsForId != null) await this.requireActsFor(a.actsForId, '/actsForId');
      },
    );
  }

  async update(id: number, patch: ActorPatch): Promise<ActorRow> {
    authorizeFieldWrites('actor', patch, this.writer());
    const current = await this.get(id);
    const merged = mergePatch(rowToCreate(current), patch, this.validateCreate, 'actor');
    if (merged.actsForId != null && patch.actsForId !== undefined) {
      await this.requireActsFor(merged.actsForId, '/actsForId');
      if (merged.actsForId === id || (await this.repo.actsForWouldCycle(id, merged.actsForId))) {
        throw conflict(`Actor ${id} cannot act for actor ${merged.actsForId}: that would make acting-for circular.`);
      }
    }
    await this.repo.update(id, { ...actorColumns(merged, current.attestation), updated_at: nowIso() });
    return (await this.repo.get(id))!;
  }

  async delete(id: number, cascade: boolean): Promise<void> {
    await this.get(id);
    if (!cascade) refuseIfReferenced(`Actor ${id}`, await this.repo.references(id), 'delete those first or pass cascade=true.');
    await this.repo.delete(id);
  }

  private async requireActsFor(actsForId: number, pointer: string): Promise<void> {
    if (!(await this.repo.exists(actsForId))) {
      throw unprocessable(`actsForId ${actsForId} is not an actor.`, [
        { in: 'body', pointer, message: 'must be the id of an existing actor' },
      ]);
    }
  }
}
