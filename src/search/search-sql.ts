// The SQL both search repositories write alike: the filters and reading a page of hits with its statements.
import type { StatementRow } from '../statements/statement-repository.js';
import type { Hit, SearchFilter } from './search-repository.js';

/**
 * The filters for a database whose "statement s has this circumstance" is `circumstance` (JSON functions
 * differ). Each filter is one fixed SQL fragment with positional parameters (the same value for each); which
 * of them appear decides the SQL text and the parameters' order, so a prepared-statement cache holds one
 * statement per combination actually used.
 */
export function searchFilters(circumstance: string): (f: SearchFilter) => { where: string; params: unknown[] } {
  const filters: Record<keyof SearchFilter, string> = {
    speakerId: 's.speaker_id = ?',
    identityStatus: 'EXISTS (SELECT 1 FROM actors a WHERE a.id = s.speaker_id AND a.identity_status = ?)',
    kind: 's.kind = ?',
    claimId: 'EXISTS (SELECT 1 FROM statement_claims sc WHERE sc.statement_id = s.id AND sc.claim_id = ?)',
    documentId: 'EXISTS (SELECT 1 FROM relays r WHERE r.statement_id = s.id AND r.document_id = ?)',
    outletId: `EXISTS (SELECT 1 FROM relays r LEFT JOIN documents d ON d.id = r.document_id
               WHERE r.statement_id = s.id AND (r.relayed_by_id = ? OR d.outlet_id = ?))`,
    circumstance,
    from: 's.said_to >= ?',
    to: 's.said_from <= ?',
  };
  const keys = Object.keys(filters) as Array<keyof SearchFilter>;
  const parameters = Object.fromEntries(keys.map((k) => [k, filters[k].split('?').length - 1])) as Record<keyof SearchFilter, number>;
  return (f) => {
    let where = '';
    const params: unknown[] = [];
    for (const k of keys) {
      const v = f[k];
      if (v === undefined || v === null) continue;
      where += ` AND ${filters[k]}`;
      for (let i = 0; i < parameters[k]; i++) params.push(v);
    }
    return { where, params };
  };
}

/**
 * A page of hits with their statements in one query: the ranking runs in the inner query alone (which
 * gives `id` and `score`), so the join reads only the rows of the page.
 */
export const withRows = (inner: string, order: string) =>
  `SELECT s.*, h.score AS hit_score FROM (${inner}) h JOIN statements s ON s.id = h.id ORDER BY ${order}`;

export type HitRow = StatementRow & { hit_score: number | null };

export const toHits = (rows: HitRow[]): Hit[] => rows.map(({ hit_score, ...row }) => ({ id: row.id, score: hit_score, row }));

/** `rows` in the order of `ids` (ids with no row left out). */
export function inOrder(ids: number[], rows: StatementRow[]): StatementRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
