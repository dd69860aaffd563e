// Offsets in the API count Unicode code points; the DOM counts UTF-16 units. These convert between them.

/** The code point offset of a UTF-16 offset into `text`. */
export function cpOffset(text: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Where a selection sits in `root`'s text, in code points; null when it is empty or outside `root`. */
export function selectionIn(root: HTMLElement): { start: number; end: number; exact: string } | null {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(root, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const head = before.toString();
  const exact = range.toString();
  if (exact.trim() === '') return null;
  const start = cpOffset(head, head.length);
  return { start, end: start + cpOffset(exact, exact.length), exact };
}

/** Selects code points [start, end) of `root`'s text (to show a span, or to select it from the keyboard). */
export function selectSpan(root: HTMLElement, start: number, end: number): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let cp = 0;
  let startNode: Text | null = null;
  let startOff = 0;
  const range = document.createRange();
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const t = node.data;
    for (let i = 0; i <= t.length; i++) {
      const c = i < t.length ? t.charCodeAt(i) : 0;
      const low = c >= 0xdc00 && c <= 0xdfff;
      if (!low) {
        if (!startNode && cp === start) {
          startNode = node;
          startOff = i;
        }
        if (startNode && cp === end) {
          range.setStart(startNode, startOff);
          range.setEnd(node, i);
          const sel = window.getSelection();
          sel?.removeAllRanges();
          sel?.addRange(range);
          return;
        }
        if (i < t.length) cp++;
      }
    }
  }
}
