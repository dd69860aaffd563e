// mode=advanced: a small, validated subset of FTS5 query syntax. The user's expression is parsed here into
// a tree and given to the repositories as a SearchExpr of quoted tokens, so nothing the user typed reaches
// FTS5 or PostgreSQL verbatim. Accepted: words, "quoted phrases", word* / "phrase"* prefixes (3+ characters), AND, OR, NOT
// (upper case, binary as in FTS5), implicit AND between terms, and parentheses.
// Refused with a message: column filters (text:…), ^, NEAR, a leading -, dangling operators, unbalanced
// parentheses or quotes, and expressions too large to run cheaply.
import { stem, wordTokens } from './normalise.js';
import { allOf, anyOf, group, phrase, type SearchExpr, toFts5, without } from './search-expression.js';

export const MAX_ADVANCED_TERMS = 32;
const MAX_DEPTH = 8;
const MIN_PREFIX = 3;

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Node = { type: 'term'; tokens: string[]; prefix: boolean } | { type: 'and' | 'or' | 'not'; left: Node; right: Node };

type Lexeme =
  | { kind: 'word'; text: string; pos: number; prefix: boolean }
  | { kind: 'phrase'; text: string; pos: number; prefix: boolean }
  | { kind: 'op'; text: 'AND' | 'OR' | 'NOT'; pos: number }
  | { kind: '('; pos: number }
  | { kind: ')'; pos: number };

function lex(input: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push(c === '(' ? { kind: '(', pos: i } : { kind: ')', pos: i });
      i++;
      continue;
    }
    if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end === -1) throw new QuerySyntaxError('a quoted phrase is not closed', i);
      let j = end + 1;
      const prefix = input[j] === '*';
      if (prefix) j++;
      out.push({ kind: 'phrase', text: input.slice(i + 1, end), pos: i, prefix });
      i = j;
      continue;
    }
    let j = i;
    while (j < input.length && !/[\s()"]/.test(input[j])) j++;
    const raw = input.slice(i, j);
    if (raw === 'AND' || raw === 'OR' || raw === 'NOT') out.push({ kind: 'op', text: raw, pos: i });
    else {
      if (raw === 'NEAR') throw new QuerySyntaxError('NEAR is not supported; use a quoted phrase', i);
      if (raw.includes(':')) throw new QuerySyntaxError(`column filters are not supported ("${raw}"); put text with ':' in quotes`, i);
      if (raw.includes('^')) throw new QuerySyntaxError('^ is not supported', i + raw.indexOf('^'));
      if (raw.startsWith('-')) throw new QuerySyntaxError('a leading - does not exclude; use NOT (a NOT b)', i);
      if (raw.startsWith('+')) throw new QuerySyntaxError('+ is not supported; use a quoted phrase', i);
      const star = raw.indexOf('*');
      if (star !== -1 && star !== raw.length - 1)
        throw new QuerySyntaxError('* is only allowed at the end of a word, as a prefix', i + star);
      out.push({ kind: 'word', text: star === -1 ? raw : raw.slice(0, -1), pos: i, prefix: star !== -1 });
    }
    i = j;
  }
  return out;
}

class Parser {
  private i = 0;
  private terms = 0;
  constructor(
    private readonly lexemes: Lexeme[],
    private readonly length: number,
  ) {}

  parse(): Node {
    if (this.lexemes.length === 0) throw new QuerySyntaxError('the query is empty', 0);
    const node = this.or(0);
    const next = this.lexemes[this.i];
    if (next) throw new QuerySyntaxError(next.kind === ')' ? 'a ) has no matching (' : 'unexpected text', next.pos);
    return node;
  }

  private peek() {
    return this.lexemes[this.i];
  }

  private or(depth: number): Node {
    let left = this.and(depth);
    while (this.peek()?.kind === 'op' && (this.peek() as { text: string }).text === 'OR') {
      this.i++;
      left = { type: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): Node {
    let left = this.not(depth);
    for (;;) {
      const p = this.peek();
      if (p?.kind === 'op' && p.text === 'AND') {
        this.i++;
        left = { type: 'and', left, right: this.not(depth) };
        continue;
      }
      // Terms side by side mean AND, as in FTS5.
      if (p && (p.kind === 'word' || p.kind === 'phrase' || p.kind === '(')) {
        left = { type: 'and', left, right: this.not(depth) };
        continue;
      }
      return left;
    }
  }

  private not(depth: number): Node {
    let left = this.primary(depth);
    while (this.peek()?.kind === 'op' && (this.peek() as { text: string }).text === 'NOT') {
      this.i++;
      left = { type: 'not', left, right: this.primary(depth) };
    }
    return left;
  }

  private primary(depth: number): Node {
    const p = this.peek();
    if (!p) throw new QuerySyntaxError('the query ends where a term was expected', this.length);
    if (p.kind === 'op') {
      throw new QuerySyntaxError(p.text === 'NOT' ? 'NOT needs a term before it (a NOT b)' : `${p.text} needs a term on each side`, p.pos);
    }
    if (p.kind === ')') throw new QuerySyntaxError('a term was expected before )', p.pos);
    if (p.kind === '(') {
      if (depth >= MAX_DEPTH) throw new QuerySyntaxError(`parentheses nest more than ${MAX_DEPTH} deep`, p.pos);
      this.i++;
      if (this.peek()?.kind === ')') throw new QuerySyntaxError('empty parentheses', p.pos);
      const inner = this.or(depth + 1);
      if (this.peek()?.kind !== ')') throw new QuerySyntaxError('a ( is not closed', p.pos);
      this.i++;
      return inner;
    }
    this.i++;
    const tokens = wordTokens(p.text);
    if (tokens.length === 0) throw new QuerySyntaxError(`"${p.text}" has no letters or digits to search for`, p.pos);
    if (p.prefix && tokens[tokens.length - 1].length < MIN_PREFIX) {
      throw new QuerySyntaxError(`a prefix needs at least ${MIN_PREFIX} letters or digits before *`, p.pos);
    }
    if (++this.terms > MAX_ADVANCED_TERMS) throw new QuerySyntaxError(`more than ${MAX_ADVANCED_TERMS} terms`, p.pos);
    return { type: 'term', tokens, prefix: p.prefix };
  }
}

export interface AdvancedQuery {
  /** The expression, parenthesised as the parser grouped it. */
  expr: SearchExpr;
  /** The same in FTS5 syntax, built only from quoted tokens and operators. */
  match: string;
  /** Stems and prefixes of the terms that count towards a match (not those after NOT), for highlighting. */
  stems: Set<string>;
  prefixes: string[];
  terms: number;
}

export function parseAdvanced(input: string): AdvancedQuery {
  const root = new Parser(lex(input), input.length).parse();
  const stems = new Set<string>();
  const prefixes: string[] = [];
  let terms = 0;
  const write = (n: Node, positive: boolean): SearchExpr => {
    if (n.type === 'term') {
      terms++;
      if (positive) {
        n.tokens.forEach((t, k) => (n.prefix && k === n.tokens.length - 1 ? prefixes.push(t) : stems.add(stem(t))));
      }
      return phrase(n.tokens, n.prefix);
    }
    const left = write(n.left, positive);
    const right = write(n.right, positive && n.type !== 'not');
    return group(n.type === 'not' ? without(left, right) : n.type === 'and' ? allOf([left, right]) : anyOf([left, right]));
  };
  const expr = write(root, true);
  return { expr, match: toFts5(expr), stems, prefixes, terms };
}
