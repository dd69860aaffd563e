import type { Span } from './types.js';

/** Converts UTF-16 offsets to code-point offsets for one text, walking it once however many spans are asked. */
export class CodePoints {
  private readonly index: Uint32Array | null;
  constructor(private readonly text: string) {
    // Texts without astral characters share offsets; most news text is like that, so skip the table there.
    let astral = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        astral = true;
        break;
      }
    }
    if (!astral) {
      this.index = null;
      return;
    }
    const index = new Uint32Array(text.length + 1);
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      index[i] = cp;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          index[++i] = cp;
        }
      }
      cp++;
    }
    index[text.length] = cp;
    this.index = index;
  }

  at(utf16: number): number {
    return this.index ? this.index[utf16] : utf16;
  }

  span(start: number, end: number): Span {
    return { start: this.at(start), end: this.at(end), text: this.text.slice(start, end) };
  }
}

/** A UTF-16 range [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** Shrinks a range past surrounding white space and the given trailing characters. */
export function trim(text: string, r: Range, trailing = /[\s]/): Range {
  let { start, end } = r;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && (trailing.test(text[end - 1]) || /\s/.test(text[end - 1]))) end--;
  return { start, end };
}
