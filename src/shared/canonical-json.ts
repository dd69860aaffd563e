// Canonical JSON, the one implementation: report digests and bundle item digests both hash this form.
//
// Canonical form (RFC 8785, JSON Canonicalization Scheme): object members sorted by their names compared
// as UTF-16 code units, no insignificant whitespace, strings and numbers as ECMAScript JSON.stringify
// writes them. Members whose value is undefined are left out, as JSON.stringify leaves them out.

export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON has no NaN or Infinity');
    if (value === undefined) throw new Error('canonical JSON has no undefined');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonicalize(v))).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalize(obj[k])).join(',') + '}';
}
