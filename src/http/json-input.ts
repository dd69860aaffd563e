// Checks of a JSON body before anything reads it, made without recursion so no input can overflow the
// stack: nesting beyond MAX_JSON_DEPTH, bytes that are not UTF-8 (a surrogate encoded as UTF-8, say, which
// a lenient decoder would store as three U+FFFD), strings holding a lone UTF-16 surrogate (from a \ud800
// escape) and strings holding U+0000 (from a \u0000 escape), which PostgreSQL's text cannot store: SQLite
// would keep it, PostgreSQL refuse the write, so both refuse it here alike. Each is a 400 naming the field,
// so nothing is ever stored altered.
import { isUtf8 } from 'node:buffer';
import { HttpError, validationFailed } from './problem.js';

export const MAX_JSON_DEPTH = 64;

// With the u flag a pair is one code point outside Cs: only a lone surrogate matches. One test per string
// for both refusals; which of the two it was is worked out only for the error.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what this refuses
const NOT_TEXT = /[\p{Cs}\u0000]/u;
const LONE_SURROGATE = /\p{Cs}/u;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function tooDeep(where: 'body' | 'query' = 'body'): HttpError {
  return new HttpError(
    400,
    'too-deep',
    'JSON nested too deeply',
    `The ${where} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}.`,
    { limit: MAX_JSON_DEPTH },
  );
}

function notText(value: string, pointer: string, what: 'string' | 'name') {
  const holds = what === 'name' ? 'is a member name that holds' : 'holds';
  if (LONE_SURROGATE.test(value))
    return validationFailed(
      [{ in: 'body', pointer: pointer || '/', message: `holds a lone UTF-16 surrogate; send well-formed Unicode` }],
      `Invalid body: ${pointer || '/'} ${holds} a lone UTF-16 surrogate (not Unicode text).`,
    );
  return validationFailed(
    [{ in: 'body', pointer: pointer || '/', message: 'holds a NUL character (U+0000); text cannot hold it, remove it' }],
    `Invalid body: ${pointer || '/'} ${holds} a NUL character (U+0000), which text cannot hold.`,
  );
}

/** A value waiting to be checked, and where it sits (its pointer is spelt out only for an error). */
interface Place {
  v: unknown;
  parent: Place | null;
  key: string;
  depth: number;
}

function pointerOf(place: Place): string {
  let pointer = '';
  for (let p: Place | null = place; p.parent !== null; p = p.parent) pointer = `/${escapePointer(p.key)}${pointer}`;
  return pointer;
}

/**
 * Depth, lone surrogates and NUL, walking the parsed value with an explicit stack. No pointer is built unless
 * something is wrong: a bundle has tens of thousands of values.
 */
export function checkJsonValue(value: unknown): void {
  const stack: Place[] = [{ v: value, parent: null, key: '', depth: 0 }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    const { v, depth } = place;
    if (typeof v === 'string') {
      if (NOT_TEXT.test(v)) throw notText(v, pointerOf(place), 'string');
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw tooDeep();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], parent: place, key: String(i), depth: depth + 1 });
    } else {
      for (const k of Object.keys(v)) {
        const member = { v: (v as Record<string, unknown>)[k], parent: place, key: k, depth: depth + 1 };
        if (NOT_TEXT.test(k)) throw notText(k, pointerOf(member), 'name');
        stack.push(member);
      }
    }
  }
}

/**
 * Raw bytes that are not UTF-8: 400 naming the field where the first bad byte sits (found by scanning
 * the text before it for the path of keys and indexes), instead of letting a decoder replace them.
 */
export function checkJsonBytes(raw: Uint8Array): void {
  if (isUtf8(raw)) return;
  const bad = firstInvalidUtf8(raw);
  const pointer = pointerAt(Buffer.from(raw.subarray(0, bad)).toString('utf8'));
  throw validationFailed(
    [{ in: 'body', pointer: pointer || '/', message: 'holds bytes that are not UTF-8 (a lone surrogate, say); send well-formed Unicode' }],
    `Invalid body: ${pointer || '/'} holds bytes that are not UTF-8 (byte ${bad}).`,
  );
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    if (n > 1 && !isUtf8(b.subarray(i, i + n))) return i;
    i += n;
  }
  return b.length;
}

/** The JSON pointer of the value being written at the end of `prefix` (a prefix of a JSON text). */
function pointerAt(prefix: string): string {
  const path: Array<string | number> = [];
  const kinds: Array<'object' | 'array'> = [];
  let inString = false;
  let escaped = false;
  let token = '';
  let pendingKey: string | null = null;
  let expectKey = false;
  for (const ch of prefix) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inString = false;
        if (expectKey) pendingKey = token;
      }
      token += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      token = '';
    } else if (ch === '{') {
      kinds.push('object');
      path.push('');
      expectKey = true;
    } else if (ch === '[') {
      kinds.push('array');
      path.push(0);
      expectKey = false;
    } else if (ch === '}' || ch === ']') {
      kinds.pop();
      path.pop();
      expectKey = kinds.at(-1) === 'object';
    } else if (ch === ':') {
      path[path.length - 1] = pendingKey ?? '';
      expectKey = false;
    } else if (ch === ',') {
      if (kinds.at(-1) === 'array') path[path.length - 1] = (path.at(-1) as number) + 1;
      else expectKey = true;
    }
  }
  if (inString && expectKey)
    return (
      path
        .slice(0, -1)
        .map((p) => `/${escapePointer(String(p))}`)
        .join('') + `/${escapePointer(token)}`
    );
  return path.map((p) => `/${escapePointer(String(p))}`).join('');
}
