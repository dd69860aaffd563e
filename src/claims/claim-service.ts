import type { Claim, ClaimCreate, ClaimPatch } from '../generated/schema-types.js';
import { parseStored } from '../shared/stored-json.js';
import { conflict, notFound, unprocessable } from '../http/problem.js';
import { nowIso } from '../shared/partial-date.js';
import { writeThenExplain } from '../shared/records.js';
import type { StatementRepository } from '../statements/statement-repository.js';
import type { ClaimRepository, ClaimRow } from './claim-repository.js';

export function claimToApi(row: ClaimRow): Claim {
  return {
    id: row.id,
    text: row.text,
    verdict: row.verdict ? parseStored(row.verdict, 'claim', row.id, 'verdict') : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const claimColumns = (c: ClaimCreate) => ({ text: c.text, verdict: c.verdict ? JSON.stringify(c.verdict) : null });

export class ClaimService {
  constructor(
    private readonly repo: ClaimRepository,
    private readonly statements: StatementRepository,
  ) {}

  async get(id: number): Promise<ClaimRow> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('claim', id);
    return row;
  }

  async getWithStatements(id: number): Promise<Claim> {
    const claim = claimToApi(await this.get(id));
    claim.statements = (await this.repo.statementsOf(id)) as Claim['statements'];
    return claim;
  }

  list(f: { statementId?: number; rated?: boolean }, afterId: number, limit: number): Promise<ClaimRow[]> {
    return this.repo.list(f, afterId, limit + 1);
  }

  create(input: ClaimCreate): Promise<ClaimRow> {
    const now = nowIso();
    return this.repo.insert({ ...claimColumns(input), created_at: now, updated_at: now });
  }

  /** Creates claims one after another in one database call, as StatementService.createEach does statements. */
  createEach(count: number, input: (i: number) => ClaimCreate, created: (i: number, id: number) => void): Promise<void> {
    const now = nowIso();
    return this.repo.insertEach(count, (i) => ({ ...claimColumns(input(i)), created_at: now, updated_at: now }), created);
  }

  async update(id: number, patch: ClaimPatch): Promise<ClaimRow> {
    const current = claimToApi(await this.get(id));
    const merged = { text: current.text, verdict: current.verdict, ...patch } as ClaimCreate;
    await this.repo.update(id, { ...claimColumns(merged), updated_at: nowIso() });
    return (await this.repo.get(id))!;
  }

  async delete(id: number, cascade: boolean): Promise<void> {
    await this.get(id);
    const n = await this.repo.linkCount(id);
    if (!cascade && n > 0) {
      const refs = (await this.repo.statementsOf(id)).slice(0, 20).map((s) => ({ type: 'statement', id: s.statementId, field: 'claimId' }));
      throw conflict(`Claim ${id} is still linked to ${n} statement${n === 1 ? '' : 's'}; pass cascade=true to remove the links with it.`, {
        references: refs,
      });
    }
    await this.repo.delete(id);
  }

  async stanceOf(claimId: number, statementId: number): Promise<string | undefined> {
    return (await this.repo.getLink(claimId, statementId))?.stance;
  }

  /** Links a statement with a stance; linking again changes the stance. Returns whether it was new. */
  async link(claimId: number, statementId: number, stance: string): Promise<boolean> {
    const existed = (await this.repo.getLink(claimId, statementId)) !== undefined;
    await this.setStance(claimId, statementId, stance);
    return !existed;
  }

  /** link without reading what was there first, for a caller that knows (a bundle, of the statements it created). */
  async setStance(claimId: number, statementId: number, stance: string): Promise<void> {
    await writeThenExplain(
      this.repo.db,
      () => this.repo.upsertLink(claimId, statementId, stance, nowIso()),
      async () => {
        if (!(await this.repo.exists(claimId))) throw notFound('claim', claimId);
        if (!(await this.statements.exists(statementId))) {
          throw unprocessable(`statementId ${statementId} is not a statement.`, [
            { in: 'body', pointer: '/statementId', message: 'must be the id of an existing statement' },
          ]);
        }
      },
    );
  }

  async unlink(claimId: number, statementId: number): Promise<void> {
    await this.get(claimId);
    if ((await this.repo.deleteLink(claimId, statementId)) === 0)
      throw notFound('link to claim ' + claimId + ' from statement', statementId);
  }
}
