export type DatePrecision = 'year' | 'month' | 'day' | 'unknown';

export function precisionOf(value: string | null | undefined): DatePrecision {
  if (!value) return 'unknown';
  return value.length === 4 ? 'year' : value.length === 7 ? 'month' : 'day';
}

/** The first and last day a partial date covers: 2024-03 → [2024-03-01, 2024-03-31]. */
export function rangeOf(value: string | null | undefined): [string | null, string | null] {
  if (!value) return [null, null];
  if (value.length === 10) return [value, value];
  if (value.length === 7) {
    const [y, m] = value.split('-').map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return [`${value}-01`, `${value}-${String(last).padStart(2, '0')}`];
  }
  return [`${value}-01-01`, `${value}-12-31`];
}

export const nowIso = () => new Date().toISOString();
