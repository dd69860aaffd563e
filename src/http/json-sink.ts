// Writes a long JSON body in pieces, waiting for the socket to drain so memory stays flat however big the
// body grows. Pieces are gathered into blocks of about 64 KiB before they reach the socket.
import type { Writable } from 'node:stream';

const BLOCK = 64 * 1024;

export class JsonSink {
  private parts: string[] = [];
  private size = 0;
  private closed = false;
  bytes = 0;

  constructor(private readonly out: Writable) {
    out.once('close', () => {
      this.closed = true;
    });
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  /**
   * Hands full blocks to the socket and waits while it is saturated; either way yields to the event loop,
   * so a long report never holds up other requests for more than one page of work. Throws once the
   * client has gone.
   */
  async drain(force = false): Promise<void> {
    if (this.closed) throw new Error('client closed the connection');
    if (this.size === 0 || (!force && this.size < BLOCK)) return new Promise<void>((resolve) => setImmediate(resolve));
    const block = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(block);
    if (this.out.write(block)) return new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', gone);
        resolve();
      };
      const gone = () => {
        this.out.off('drain', done);
        this.out.off('close', gone);
        reject(new Error('client closed the connection'));
      };
      this.out.on('drain', done);
      this.out.on('close', gone);
    });
    // 'drain' may come on process.nextTick (a write the kernel took at once): without a real turn of the
    // event loop here, a fast reader would keep this report running and every other request waiting.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async end(): Promise<void> {
    await this.drain(true);
    this.out.end();
  }
}
