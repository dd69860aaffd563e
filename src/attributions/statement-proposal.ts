import type { Hedge, StatementKind, SuggestedSelector, TextForm } from '../generated/schema-types.js';
import type { Attribution, CueHedge, Span } from './types.js';

const OPEN = /^[“"«„‘']+/;
const CLOSE = /[”"»’',]+$/;

/** A content span without its quotation marks (and the comma a closing mark often carries), in code points. */
export function unquoted(span: Span): SuggestedSelector {
  const lead = OPEN.exec(span.text)?.[0].length ?? 0;
  const inner = span.text.slice(lead);
  const trail = CLOSE.exec(inner)?.[0].length ?? 0;
  const exact = inner.slice(0, inner.length - trail);
  if (!exact.trim()) return { start: span.start, end: span.end, exact: span.text };
  // Quotation marks and commas are one UTF-16 unit and one code point each.
  return { start: span.start + lead, end: span.end - trail, exact };
}

export function statementText(a: Attribution): string {
  return a.contents
    .map((c) => unquoted(c).exact)
    .join(' ')
    .slice(0, 20000);
}

export function statementForm(a: Attribution): TextForm {
  return a.textForm === 'quote' ? 'quote' : 'paraphrase';
}

export function statementKind(a: Attribution, text: string): StatementKind {
  const cue = a.cue?.text.toLowerCase() ?? '';
  if (a.hedge === 'denied') return 'denial';
  if (/\b(no comment|declined to comment|(do|does|did) not know|(do|does|did)n['’]t know|not aware)\b/i.test(text)) return 'no_comment';
  if (/responsibility/i.test(text) && a.hedge === 'claimed') return 'claim_of_responsibility';
  if (/^accus/.test(cue)) return 'accusation';
  if (/^warn/.test(cue)) return 'warning';
  if (/^confirm/.test(cue)) return 'confirmation';
  return 'assertion';
}

/** A relay's hedge for a cue's: a denial is said, an unknown hedge is said. */
export function relayHedge(h: CueHedge | null | undefined): Hedge {
  return !h || h === 'denied' ? 'said' : h;
}
