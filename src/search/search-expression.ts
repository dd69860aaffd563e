// What a search looks for, said once for both databases: phrases of folded tokens (a word is a phrase of
// one), optionally ending in a prefix, combined by AND, OR and NOT. The service and the advanced-query
// parser build these; each repository writes them in its own syntax (an FTS5 MATCH expression, a tsquery,
// LIKE patterns), always from tokens, so nothing a user typed reaches a query verbatim.
import { ftsString } from './normalise.js';

export type SearchExpr =
  | { op: 'phrase'; tokens: string[]; prefix: boolean }
  | { op: 'and' | 'or'; of: SearchExpr[] }
  /** `left` without `right`. */
  | { op: 'not'; left: SearchExpr; right: SearchExpr }
  /** Parentheses as the expression was written: they change how it reads, not what it matches. */
  | { op: 'group'; of: SearchExpr };

export const phrase = (tokens: string[], prefix = false): SearchExpr => ({ op: 'phrase', tokens, prefix });
export const word = (token: string): SearchExpr => phrase([token]);
export const allOf = (of: SearchExpr[]): SearchExpr => ({ op: 'and', of });
export const anyOf = (of: SearchExpr[]): SearchExpr => ({ op: 'or', of });
export const without = (left: SearchExpr, right: SearchExpr): SearchExpr => ({ op: 'not', left, right });
export const group = (of: SearchExpr): SearchExpr => ({ op: 'group', of });

/**
 * The expression in FTS5 query syntax: what SQLite runs, and how a search shows its expression to the user
 * on either database (the query language is FTS5's subset, mode=advanced).
 */
export function toFts5(e: SearchExpr): string {
  switch (e.op) {
    case 'phrase':
      return ftsString(e.tokens.join(' ')) + (e.prefix ? ' *' : '');
    case 'and':
    case 'or':
      return e.of.map(toFts5).join(e.op === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `${toFts5(e.left)} NOT ${toFts5(e.right)}`;
    case 'group':
      return `(${toFts5(e.of)})`;
  }
}

/** The phrases that count towards a match (not those after NOT). */
export function positivePhrases(e: SearchExpr): Array<{ tokens: string[]; prefix: boolean }> {
  switch (e.op) {
    case 'phrase':
      return [e];
    case 'and':
    case 'or':
      return e.of.flatMap(positivePhrases);
    case 'not':
      return positivePhrases(e.left);
    case 'group':
      return positivePhrases(e.of);
  }
}
