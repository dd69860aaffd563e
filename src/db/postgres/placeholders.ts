// The plain SQL of `Db.query` is written once for both dialects with `?` placeholders; PostgreSQL wants
// `$1, $2, …`. A `?` inside a string, a quoted identifier, a dollar-quoted body or a comment is text, not
// a placeholder. (PostgreSQL's jsonb `?` operators cannot be written in this SQL: use `jsonb_exists`.)

import { memoize } from '../../shared/memoize.js';

/** The SQL with each placeholder `?` numbered `$1…` in order; the same string gives the same answer from a cache. */
export const numberPlaceholders = memoize((sql: string) => convert(sql), 2000);

const identifierChar = /[A-Za-z0-9_$]/;

function convert(sql: string): string {
  if (!sql.includes('?')) return sql;
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const start = i;
    if (c === '?') {
      out += `$${++n}`;
      i++;
      continue;
    }
    if (c === "'") {
      // E'…' strings take backslash escapes; in every other string only '' stands for a quote.
      const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !identifierChar.test(sql[i - 2] ?? '');
      i = quoted(sql, i, "'", escapes);
    } else if (c === '"') {
      i = quoted(sql, i, '"', false);
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = blockComment(sql, i);
    } else if (c === '$' && !identifierChar.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
      } else i++;
    } else i++;
    out += sql.slice(start, i);
  }
  return out;
}

/** The index just past the quote that closes the one at `i` (a doubled quote stays inside). */
function quoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    if (backslashEscapes && sql[j] === '\\') j += 2;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

/** The index just past the block comment opening at `i` (PostgreSQL nests them). */
function blockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}
