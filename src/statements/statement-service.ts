import type { ValidateFunction } from 'ajv';
import { parseStored } from '../shared/stored-json.js';
import type { Statement, StatementCreate, StatementPatch } from '../generated/schema-types.js';
import { notFound, unprocessable } from '../http/problem.js';
import { nowIso, precisionOf, rangeOf } from '../shared/partial-date.js';
import type { ActorRepository } from '../actors/actor-repository.js';
import { createEachThenExplain, mergePatch, refuseIfReferenced, writeThenExplain } from '../shared/records.js';
import type { StatementFilter, StatementRepository, StatementRow } from './statement-repository.js';

export function statementToApi(row: StatementRow): Statement {
  return {
    id: row.id,
    speakerId: row.speaker_id,
    text: row.text,
    textForm: row.text_form as Statement['textForm'],
    kind: row.kind as Statement['kind'],
    saidOn: row.said_on,
    saidOnPrecision: precisionOf(row.said_on),
    medium: row.medium,
    mediumPublisherId: row.medium_publisher_id,
    circumstances: parseStored(row.circumstances, 'statement', row.id, 'circumstances'),
    language: row.language,
    originalLanguage: row.original_language,
    originalText: row.original_text,
    context: row.context,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function rowToCreate(row: StatementRow): StatementCreate {
  const { id: _id, saidOnPrecision: _p, createdAt: _c, updatedAt: _u, ...rest } = statementToApi(row);
  return rest as StatementCreate;
}

export function statementColumns(s: StatementCreate) {
  const [from, to] = rangeOf(s.saidOn);
  return {
    speaker_id: s.speakerId,
    text: s.text,
    text_form: s.textForm,
    kind: s.kind,
    said_on: s.saidOn ?? null,
    said_from: from,
    said_to: to,
    medium: s.medium ?? null,
    medium_publisher_id: s.mediumPublisherId ?? null,
    circumstances: JSON.stringify(s.circumstances ?? []),
    language: s.language ?? null,
    original_language: s.originalLanguage ?? null,
    original_text: s.originalText ?? null,
    context: s.context ?? null,
  };
}

export class StatementService {
  constructor(
    private readonly repo: StatementRepository,
    private readonly actors: ActorRepository,
    private readonly validateCreate: ValidateFunction,
  ) {}

  async get(id: number): Promise<StatementRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('statement', id);
    return row;
  }

  async getWithClaims(id: number): Promise<Statement> {
    const found = await this.repo.getWithClaims(id);
    if (!found) throw notFound('statement', id);
    const s = statementToApi(found.row);
    s.claims = found.claims as Statement['claims'];
    return s;
  }

  list(filter: StatementFilter, afterId: number, limit: number): Promise<StatementRow[]> {
    return this.repo.list(filter, afterId, limit + 1);
  }

  create(input: StatementCreate): Promise<StatementRow> {
    const now = nowIso();
    return writeThenExplain(
      this.repo.db,
      () => this.repo.insert({ ...statementColumns(input), created_at: now, updated_at: now }),
      () => this.checkActors(input),
    );
  }

  /**
   * Creates statements one after another in one database call (a bundle's thousands): `input(i)` is asked
   * for each when its turn comes, `created(i, id)` told its id. A refused one is explained as create does.
   */
  createEach(count: number, input: (i: number) => StatementCreate, created: (i: number, id: number) => void): Promise<void> {
    const now = nowIso();
    return createEachThenExplain(
      input,
      (s) => ({ ...statementColumns(s), created_at: now, updated_at: now }),
      (row) => this.repo.insertEach(count, row, created),
      (s) => this.checkActors(s),
    );
  }

  async update(id: number, patch: StatementPatch): Promise<StatementRow> {
    const merged = mergePatch(rowToCreate(await this.get(id)), patch as Partial<StatementCreate>, this.validateCreate, 'statement');
    await this.checkActors(merged);
    await this.repo.update(id, { ...statementColumns(merged), updated_at: nowIso() });
    return (await this.repo.get(id))!;
  }

  async delete(id: number, cascade: boolean): Promise<void> {
    await this.get(id);
    if (!cascade)
      refuseIfReferenced(
        `Statement ${id}`,
        await this.repo.references(id),
        'pass cascade=true to delete its relays, tags and claim links with it.',
      );
    await this.repo.delete(id);
  }

  private async checkActors(s: StatementCreate): Promise<void> {
    const errors = [];
    if (!(await this.actors.exists(s.speakerId)))
      errors.push({ in: 'body' as const, pointer: '/speakerId', message: 'must be the id of an existing actor' });
    if (s.mediumPublisherId != null && !(await this.actors.exists(s.mediumPublisherId)))
      errors.push({ in: 'body' as const, pointer: '/mediumPublisherId', message: 'must be the id of an existing actor' });
    if (errors.length) throw unprocessable('The statement refers to actors that do not exist.', errors);
  }
}
