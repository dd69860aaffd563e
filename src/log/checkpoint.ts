// Signed checkpoints in the C2SP formats: the body is a tlog-checkpoint (origin, tree size, base64 root
// hash, then one extension line with the signing time), wrapped in a signed note with one Ed25519
// signature line: "— <key name> base64(key id || signature)". The key id is the first 4 bytes of
// SHA-256(key name || 0x0A || 0x01 || public key), and the verifier key is
// "<key name>+<hex key id>+base64(0x01 || public key)", as Go's sumdb note package writes them.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ED25519 = 0x01;
const DASH = '\u2014 ';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Signing time (ISO 8601), from the extension line. */
  time: string | null;
}

export class LogSigner {
  readonly publicKey: Buffer;
  readonly keyId: Buffer;
  readonly verifierKey: string;

  constructor(
    readonly origin: string,
    private readonly privateKey: KeyObject,
  ) {
    if (!/^[^\s+]+$/u.test(origin)) throw new Error(`log origin "${origin}" must have no spaces and no "+"`);
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    this.keyId = keyIdOf(origin, this.publicKey);
    this.verifierKey = `${origin}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), this.publicKey]).toString('base64')}`;
  }

  /** A signed note over `text` (which must end in a newline). */
  signNote(text: string): string {
    const sig = sign(null, Buffer.from(text, 'utf8'), this.privateKey);
    return `${text}\n${DASH}${this.origin} ${Buffer.concat([this.keyId, sig]).toString('base64')}\n`;
  }

  checkpoint(size: number, root: Buffer, time = new Date()): string {
    return this.signNote(checkpointBody({ origin: this.origin, size, root, time: time.toISOString() }));
  }

  static generate(origin: string): LogSigner {
    return new LogSigner(origin, generateKeyPairSync('ed25519').privateKey);
  }

  /**
   * The signing key from its file, created (mode 0600, folder too) on first start. A key file others can
   * read is refused: whoever holds it can sign checkpoints in the log's name.
   *
   * Servers started together (two processes on one PostgreSQL) may each find no file: each writes its key
   * whole to a file of its own and links it to the name, which only the first link gets; the others read
   * that one. The name never shows a file half written.
   */
  static fromFile(file: string, origin: string): LogSigner {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      const own = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(own, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      try {
        chmodSync(own, 0o600);
        linkSync(own, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(own);
      }
    }
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new Error(`the log key ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    return new LogSigner(origin, createPrivateKey(readFileSync(file)));
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

const keyIdOf = (name: string, publicKey: Buffer) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, ED25519]), publicKey]))
    .digest()
    .subarray(0, 4);

export function checkpointBody(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n${c.time ? `time ${c.time}\n` : ''}`;
}

export class CheckpointError extends Error {}

/** Opens a signed note with a verifier key: that key's signature line must verify. Returns the text. */
export function openNote(note: string, verifierKey: string): { name: string; text: string } {
  // The base64 key may itself contain "+": only the first two separate fields.
  const [, name, hexId, b64] = /^([^+]+)\+([^+]+)\+(.*)$/s.exec(verifierKey.trim()) ?? [];
  const keyBytes = Buffer.from(b64 ?? '', 'base64');
  if (!name || !/^[0-9a-f]{8}$/.test(hexId ?? '') || keyBytes.length !== 33 || keyBytes[0] !== ED25519) {
    throw new CheckpointError('the verifier key is not "<name>+<key id>+<base64 Ed25519 key>"');
  }
  const publicKey = keyBytes.subarray(1);
  if (!keyIdOf(name, publicKey).equals(Buffer.from(hexId, 'hex'))) throw new CheckpointError('the verifier key id does not match its key');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CheckpointError('not a signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const mine = lines.find((l) => l.startsWith(`${DASH}${name} `));
  if (!mine) throw new CheckpointError(`the note has no signature by ${name}`);
  const sig = Buffer.from(mine.slice(DASH.length + name.length + 1), 'base64');
  if (sig.length !== 68 || !sig.subarray(0, 4).equals(Buffer.from(hexId, 'hex')))
    throw new CheckpointError('the signature line is malformed');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  if (!verify(null, Buffer.from(text, 'utf8'), key, sig.subarray(4))) throw new CheckpointError(`the signature by ${name} does not verify`);
  return { name, text };
}

/**
 * Opens a signed checkpoint with a verifier key: the signature must verify and the body must be a
 * well-formed checkpoint of the key's origin. Throws CheckpointError saying what failed.
 */
export function openCheckpoint(note: string, verifierKey: string): Checkpoint {
  const { name, text } = openNote(note, verifierKey);
  const body = text.split('\n');
  const [origin, size, root] = body;
  const rootBytes = Buffer.from(root ?? '', 'base64');
  if (origin !== name || !/^(0|[1-9]\d{0,15})$/.test(size ?? '') || rootBytes.length !== 32 || rootBytes.toString('base64') !== root) {
    throw new CheckpointError('the note is not a checkpoint of this log');
  }
  const time = body.slice(3).find((l) => l.startsWith('time '));
  return { origin, size: Number(size), root: rootBytes, time: time ? time.slice(5) : null };
}
