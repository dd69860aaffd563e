import { HttpError } from '../http/problem.js';

/** An error as it crosses from a worker to the main thread: HttpErrors keep everything the client is told. */
export type WireError =
  | { kind: 'http'; status: number; code: string; title: string; detail: string; extra: Record<string, unknown> }
  | { kind: 'other'; name: string; message: string };

export function toWire(err: unknown): WireError {
  if (err instanceof HttpError)
    return { kind: 'http', status: err.status, code: err.code, title: err.title, detail: err.message, extra: err.extra };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'other', name: e.name, message: e.message };
}

export function fromWire(w: WireError): Error {
  if (w.kind === 'http') return new HttpError(w.status, w.code, w.title, w.detail, w.extra);
  const err = new Error(w.message);
  err.name = w.name;
  return err;
}
