import type { ValidateFunction } from 'ajv';
import type { Document, DocumentCreate, DocumentPatch } from '../generated/schema-types.js';
import { notFound, unprocessable } from '../http/problem.js';
import { nowIso, precisionOf } from '../shared/partial-date.js';
import type { ActorRepository } from '../actors/actor-repository.js';
import { createEachThenExplain, mergePatch, refuseIfReferenced, writeThenExplain } from '../shared/records.js';
import type { DocumentRepository, DocumentRow } from './document-repository.js';

export function documentToApi(row: DocumentRow, withBody: boolean): Document {
  return {
    id: row.id,
    outletId: row.outlet_id,
    title: row.title,
    url: row.url,
    publishedOn: row.published_on,
    publishedOnPrecision: precisionOf(row.published_on),
    byline: row.byline,
    language: row.language,
    ...(withBody ? { body: row.body } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function documentColumns(d: DocumentCreate) {
  return {
    outlet_id: d.outletId,
    title: d.title,
    url: d.url ?? null,
    published_on: d.publishedOn ?? null,
    byline: d.byline ?? null,
    language: d.language ?? null,
    body: d.body ?? null,
  };
}

function rowToCreate(row: DocumentRow): DocumentCreate {
  const { id: _i, publishedOnPrecision: _p, createdAt: _c, updatedAt: _u, ...rest } = documentToApi(row, true);
  return rest as DocumentCreate;
}

/** Hook for work that must follow a body change in the same transaction (tag re-anchoring). */
export type BodyChangeHook = (documentId: number, oldBody: string | null, newBody: string | null) => Promise<unknown>;

export class DocumentService {
  private readonly bodyHooks: BodyChangeHook[] = [];

  constructor(
    private readonly repo: DocumentRepository,
    private readonly actors: ActorRepository,
    private readonly validateCreate: ValidateFunction,
  ) {}

  onBodyChange(hook: BodyChangeHook): void {
    this.bodyHooks.push(hook);
  }

  async get(id: number): Promise<DocumentRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('document', id);
    return row;
  }

  list(outletId: number | undefined, afterId: number, limit: number): Promise<DocumentRow[]> {
    return this.repo.list(outletId, afterId, limit + 1);
  }

  create(input: DocumentCreate): Promise<DocumentRow> {
    const now = nowIso();
    return writeThenExplain(
      this.repo.db,
      () => this.repo.insert({ ...documentColumns(input), created_at: now, updated_at: now }),
      () => this.checkOutlet(input.outletId),
    );
  }

  /** Creates documents one after another in one database call, as StatementService.createEach does statements. */
  createEach(count: number, input: (i: number) => DocumentCreate, created: (i: number, id: number) => void): Promise<void> {
    const now = nowIso();
    return createEachThenExplain(
      input,
      (d) => ({ ...documentColumns(d), created_at: now, updated_at: now }),
      (row) => this.repo.insertEach(count, row, created),
      (d) => this.checkOutlet(d.outletId),
    );
  }

  /** Returns the updated row and what each body-change hook reported. */
  async update(id: number, patch: DocumentPatch): Promise<{ row: DocumentRow; effects: unknown[] }> {
    const current = await this.get(id);
    const merged = mergePatch(rowToCreate(current), patch as Partial<DocumentCreate>, this.validateCreate, 'document');
    if (patch.outletId !== undefined) await this.checkOutlet(merged.outletId);
    await this.repo.update(id, { ...documentColumns(merged), updated_at: nowIso() });
    const effects: unknown[] = [];
    if (patch.body !== undefined && patch.body !== current.body) {
      for (const hook of this.bodyHooks) effects.push(await hook(id, current.body, merged.body ?? null));
    }
    return { row: (await this.repo.get(id))!, effects };
  }

  async delete(id: number, cascade: boolean): Promise<void> {
    await this.get(id);
    if (!cascade)
      refuseIfReferenced(
        `Document ${id}`,
        await this.repo.references(id),
        'pass cascade=true to delete the hops it carries (and their tags) with it.',
      );
    await this.repo.delete(id);
  }

  private async checkOutlet(outletId: number): Promise<void> {
    if (!(await this.actors.exists(outletId))) {
      throw unprocessable(`outletId ${outletId} is not an actor.`, [
        { in: 'body', pointer: '/outletId', message: 'must be the id of an existing actor' },
      ]);
    }
  }
}
