// Quotation spans: where a writer marks words as the speaker's own. Offsets are UTF-16, marks included.
export interface Quote {
  start: number;
  end: number;
}

const OPENERS = new Set(['“', '«', '„']);
const CLOSERS = new Set(['”', '»']);
const BEFORE_OPEN = /[\s([{\u2014\u2013:;,-]/;

/** The double-quoted spans of a text; a quote left open at a paragraph's end closes there (news style for multi-paragraph quotes). */
export function findQuotes(text: string): Quote[] {
  const quotes: Quote[] = [];
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (open >= 0 && c === '\n' && text[i + 1] === '\n') {
      let end = i;
      while (end > open && /\s/.test(text[end - 1])) end--;
      if (end - open > 1) quotes.push({ start: open, end });
      open = -1;
      continue;
    }
    // Newswire ASCII quotes: ``…'' or ''…'' (two characters each).
    const pair = text.startsWith("''", i) || text.startsWith('``', i);
    if (pair) {
      const opensPair = open < 0 && (text[i] === '`' || i === 0 || BEFORE_OPEN.test(text[i - 1])) && /\S/.test(text[i + 2] ?? '');
      if (opensPair) open = i;
      else if (open >= 0 && text[i] === "'") {
        if (i - open > 2) quotes.push({ start: open, end: i + 2 });
        open = -1;
      }
      i++;
      continue;
    }
    const straight = c === '"';
    const opens = OPENERS.has(c) || (straight && open < 0 && (i === 0 || BEFORE_OPEN.test(text[i - 1])) && /\S/.test(text[i + 1] ?? ''));
    const closes = CLOSERS.has(c) || (straight && open >= 0);
    if (open < 0 && opens) open = i;
    else if (open >= 0 && closes) {
      if (i - open > 1) quotes.push({ start: open, end: i + 1 });
      open = -1;
    } else if (open >= 0 && OPENERS.has(c)) open = i;
  }
  return quotes;
}

export function quoteAt(quotes: Quote[], offset: number): Quote | undefined {
  return quotes.find((q) => q.start <= offset && offset < q.end);
}
