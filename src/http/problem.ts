// Errors carry their HTTP status and RFC 9457 fields; one handler (error-handler.ts) writes them.
export const PROBLEM_BASE = 'https://whosaid.dev/problems/';

export interface FieldError {
  in: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  message: string;
  expected?: unknown;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, title: string, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ?? title);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extra = extra;
  }

  toProblem(instance?: string): Record<string, unknown> {
    return {
      type: PROBLEM_BASE + this.code,
      title: this.title,
      status: this.status,
      code: this.code,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new HttpError(400, 'validation-failed', 'Request validation failed', detail, { errors });

export const notFound = (type: string, id: number | string) => new HttpError(404, 'not-found', 'Not found', `No ${type} with id ${id}.`);

export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new HttpError(409, 'conflict', 'Conflict', detail, extra);

/** A reference in the body to a record that does not exist, or breaks a rule of the data. */
export const unprocessable = (detail: string, errors: FieldError[] = [], extra: Record<string, unknown> = {}) =>
  new HttpError(422, 'unprocessable', 'The request cannot be applied', detail, { errors, ...extra });

/** Where a service's input sits in a bigger request: see rebased. */
export interface InputPlace {
  /** Goes before every field pointer of the service's errors ('/statements/2'). */
  prefix: string;
  /** A first pointer segment to name otherwise, by its full new path ({ outletId: '/outlet' }). */
  renames?: Record<string, string>;
  /** The bundle item it was, named in the detail and as the problem's `item` member. */
  item?: string;
}

/**
 * Runs a service call made for part of a bigger request (a bundle item, the statement inside a tag),
 * and re-points the field errors it throws at where that part sits in the request.
 */
export async function rebased<T>(call: () => Promise<T>, at: InputPlace): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw rebase(err, at);
  }
}

/** A service's error re-pointed at where its input sits in a bigger request (see rebased); other errors as they are. */
export function rebase(err: unknown, at: InputPlace): unknown {
  if (!(err instanceof HttpError)) return err;
  const renames = at.renames ?? {};
  const errors = (err.extra.errors as FieldError[] | undefined)?.map((e) => ({
    ...e,
    pointer: at.prefix + e.pointer.replace(/^\/(\w+)/, (m, f: string) => (Object.hasOwn(renames, f) ? renames[f] : m)),
  }));
  return new HttpError(err.status, err.code, err.title, at.item ? `${at.item}: ${err.message}` : err.message, {
    ...err.extra,
    ...(errors ? { errors } : {}),
    ...(at.item ? { item: at.item } : {}),
  });
}
