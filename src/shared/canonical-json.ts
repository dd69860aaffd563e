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
  // One array per object or array, joined once: no filter/map copies (a bundle digests thousands of
  // items), and no chain of appended strings (slow to hash when a report is megabytes).
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) parts.push(value[i] === undefined ? 'null' : canonicalize(value[i]));
    return `[${parts.join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as the scheme requires.
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalize(v)}`);
  }
  return `{${parts.join(',')}}`;
}
