import { HttpError } from './problem.js';

/**
 * What express.json does for a route that takes its body raw (RouteDef.rawBody): an object or array, or
 * the same 400 malformed-json problem. No body at all reads as undefined, which validation then refuses.
 */
export function parseJsonBody(raw: Uint8Array | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object')
    throw new HttpError(400, 'malformed-json', 'Malformed JSON', 'The body is not valid JSON.');
  return value;
}
