/** A row read back with SQL in a test: every column as SQLite returns it, narrowed where a test reads it. */
export type Row = Record<string, unknown>;

/**
 * A row of the changes table. before/after are null for a create's before and a delete's after; the tests
 * that read them read rows where they are set, so they are typed as text.
 */
export interface ChangeRow {
  seq: number;
  at: string;
  key_id: number | null;
  action: string;
  record_type: string;
  record_id: string;
  before: string;
  after: string;
  prev_hash: string;
  hash: string;
  leaf_hash: Buffer;
}

/** A row of the api_keys table. */
export interface KeyRow {
  id: number;
  name: string;
  role: string;
  hash: string;
  revoked_at: string | null;
}

/** The first column of a row read back (what a pluck()ed statement gave), or undefined for no row. */
export const firstValue = (row: unknown): unknown => (row === undefined ? undefined : Object.values(row as object)[0]);
