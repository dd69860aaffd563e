// Canonical JSON and the report digest.
//
// Canonical form (RFC 8785, JSON Canonicalization Scheme): object members sorted by their names compared
// as UTF-16 code units, no insignificant whitespace, strings and numbers as ECMAScript JSON.stringify
// writes them. A report's digest is SHA-256 over the UTF-8 bytes of the canonical form of the report
// with its `digest` member removed, written as lowercase hex. Anyone can check it with any JCS library.
import { createHash, type Hash } from 'node:crypto';

export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON has no NaN or Infinity');
    if (value === undefined) throw new Error('canonical JSON has no undefined');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonicalize(v))).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalize(obj[k])).join(',') + '}';
}

export const DIGEST_ALGORITHM = 'sha-256';

export function digestOf(report: Record<string, unknown>): string {
  const { digest: _digest, ...content } = report;
  return createHash('sha256').update(canonicalize(content), 'utf8').digest('hex');
}

/**
 * The digest of a report written member by member, in the order the body is written, while the
 * canonical form needs members in sorted order. Small members are held until their turn; big ones
 * (arrays streamed item by item) must arrive in sorted order relative to each other, and every member
 * that sorts before a streamed one must already be known when it starts.
 */
export class StreamingDigest {
  private readonly hash: Hash = createHash('sha256');
  private readonly order: string[];
  private readonly pending = new Map<string, string>();
  private next = 0;
  private members = 0;
  private streaming: string | null = null;
  private items = 0;

  constructor(keys: string[]) {
    this.order = [...keys].sort();
    this.hash.update('{');
  }

  /** A member whose whole value is known now. */
  member(key: string, value: unknown): void {
    this.pending.set(key, canonicalize(value));
    this.flush();
  }

  beginArray(key: string): void {
    this.flush();
    if (this.order[this.next] !== key || this.streaming) throw new Error(`streamed member ${key} is out of canonical order`);
    this.hash.update((this.members++ ? ',' : '') + JSON.stringify(key) + ':[');
    this.streaming = key;
    this.items = 0;
  }

  item(value: unknown): string {
    const text = canonicalize(value);
    this.hash.update((this.items++ ? ',' : '') + text);
    return text;
  }

  endArray(): void {
    this.hash.update(']');
    this.streaming = null;
    this.next++;
    this.flush();
  }

  finish(): string {
    this.flush();
    if (this.next !== this.order.length) throw new Error(`report member ${this.order[this.next]} was never written`);
    this.hash.update('}');
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.streaming) return;
    while (this.next < this.order.length && this.pending.has(this.order[this.next])) {
      const key = this.order[this.next++];
      this.hash.update((this.members++ ? ',' : '') + JSON.stringify(key) + ':' + this.pending.get(key)!);
      this.pending.delete(key);
    }
  }
}
