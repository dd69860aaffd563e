// The report digest.
//
// A report's digest is SHA-256 over the UTF-8 bytes of the canonical form (RFC 8785, src/shared/canonical-json.ts)
// of the report with its `digest` member removed, written as lowercase hex. Anyone can check it with any JCS library.
import { createHash, type Hash } from 'node:crypto';
import { canonicalize } from '../shared/canonical-json.js';

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
