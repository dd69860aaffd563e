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
  // Built by appending rather than with map/filter/join: a bundle digests thousands of items, and the
  // intermediate arrays were most of the cost.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += value[i] === undefined ? 'null' : canonicalize(value[i]);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as the scheme requires.
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${canonicalize(v)}`;
  }
  return `${out}}`;
}
