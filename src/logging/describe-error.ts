/**
 * What a log line may say about an error. A PostgreSQL error's text can quote the input or the row it
 * refused: its message (`invalid input syntax for type bigint: "…"`, `value "…" is out of range`), its
 * detail (`Key (name)=(…) already exists`, `Failing row contains (…)`), its where (the PL/pgSQL line and
 * the values it was called with) and the query it ran. What an anonymous source said or who they are
 * must never reach a log line through one: of such an error only the SQLSTATE and the names of the
 * constraint, table and column are kept, which say where to look without saying what was written.
 * Any other error as name and message (SQLite's messages name the rule, never the values).
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown';
  if (isPostgresError(err)) {
    const e = err as unknown as PostgresErrorFields;
    const names = (['constraint', 'table', 'column'] as const)
      .filter((k) => typeof e[k] === 'string' && e[k] !== '')
      .map((k) => `${k} ${e[k]}`);
    return `PostgreSQL error ${e.code}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  }
  return `${err.name}: ${err.message}`;
}

interface PostgresErrorFields {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/** pg's DatabaseError (named 'error'), told by its five-character SQLSTATE and severity, without loading pg. */
export function isPostgresError(err: Error): boolean {
  const e = err as { code?: unknown; severity?: unknown };
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}
