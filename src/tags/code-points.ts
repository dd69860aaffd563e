// Unicode code points: every offset a tag stores counts code points, end exclusive.

export class CodePointText {
  readonly text: string;
  readonly length: number;
  /** Code point values, so matching never has to re-decode surrogate pairs. */
  readonly codePoints: Int32Array;
  readonly #cpToCu: Int32Array;
  readonly #cuToCp: Int32Array;

  constructor(text: string) {
    this.text = text;
    const cps = new Int32Array(text.length);
    const cpToCu = new Int32Array(text.length + 1);
    const cuToCp = new Int32Array(text.length + 1);
    let n = 0;
    for (let i = 0; i < text.length; n++) {
      const c = text.codePointAt(i)!;
      cps[n] = c;
      cpToCu[n] = i;
      cuToCp[i] = n;
      if (c > 0xffff) cuToCp[i + 1] = n; // a unit inside a pair maps to the code point containing it
      i += c > 0xffff ? 2 : 1;
    }
    cpToCu[n] = text.length;
    cuToCp[text.length] = n;
    this.length = n;
    this.codePoints = cps.slice(0, n);
    this.#cpToCu = cpToCu.slice(0, n + 1);
    this.#cuToCp = cuToCp;
  }

  slice(start: number, end: number): string {
    const s = clamp(start, 0, this.length);
    const e = clamp(end, s, this.length);
    return this.text.slice(this.#cpToCu[s], this.#cpToCu[e]);
  }

  toCodeUnit(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length) throw new RangeError(`code point offset ${cp} out of range`);
    return this.#cpToCu[cp];
  }

  toCodePoint(cu: number): number {
    if (!Number.isInteger(cu) || cu < 0 || cu > this.text.length) throw new RangeError(`code unit offset ${cu} out of range`);
    return this.#cuToCp[cu];
  }
}

export function toCps(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (const ch of s) out[n++] = ch.codePointAt(0)!;
  return out.slice(0, n);
}

export function cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) if (s.codePointAt(i)! > 0xffff) i++;
  return n;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.trunc(x) || 0));
}
