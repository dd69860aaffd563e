import { currentKey } from './session.js';

export interface FieldError {
  pointer: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
}

/** A refused request, with the problem document that says why. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

async function problemOf(res: Response): Promise<Problem> {
  const body: unknown = await res.json().catch(() => null);
  if (body && typeof body === 'object' && 'title' in body) return { status: res.status, ...(body as Omit<Problem, 'status'>) };
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A key to try instead of the signed-in one (signing in). */
  key?: string;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const key = opts.key ?? currentKey();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  if (!res.ok) throw new ApiError(await problemOf(res));
  return res;
}

export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const res = await call(path, opts);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Fetches a file with the signed-in key and hands it to the browser to save under the name the server gives. */
export async function saveFile(path: string, fallbackName: string): Promise<string> {
  const res = await call(path);
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
