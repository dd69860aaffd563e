import type { Request, Response } from 'express';
import type { SchemaTypes } from '../generated/schema-types.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route needs: nothing, a reading key (or open reads), a journalist, an editor, an admin. */
export type Access = 'public' | 'read' | 'write' | 'editor' | 'admin';

/** A schema in schemas/ (file name less .schema.json), as `npm run gen:types` maps it to its type. */
export type SchemaName = keyof SchemaTypes;

/** The type of a validated part: the named schema's, or (a part the route does not declare) `absent`. */
type PartOf<N, Absent> = N extends SchemaName ? SchemaTypes[N] : Absent;

/**
 * A handler that wrote its response itself (a streamed body) returns this, so that the type of what
 * a handler returns can otherwise be exactly its response schema's.
 */
export const ANSWERED: unique symbol = Symbol('answered');
export type Answered = typeof ANSWERED;

// A route with no response body (response: null) ends the response empty whatever its handler returns.
type Reply<R> = R extends SchemaName ? SchemaTypes[R] | Answered : unknown;

/**
 * A response a route sends besides its success body and its problems. `content` maps each media type to
 * the schema of its body (null: a body that is not JSON, such as text); without `content` there is no body.
 */
export interface ResponseSpec {
  description: string;
  content?: Record<string, SchemaName | null>;
}

/**
 * A URL served beside the API's routes (the desk's pages and files, src/desk/): not mounted from here, but
 * declared with what it answers so the OpenAPI document covers everything the service sends.
 */
export interface PageSpec {
  /** Express syntax: /documents/:id */
  path: string;
  summary: string;
  responses: Record<number, ResponseSpec>;
}

export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/**
 * One route, described once: Express mounts it, the validator checks it, OpenAPI documents it,
 * and the access matrix test walks it. Declared through `route()`, which types the handler's
 * params, query, body and return value from the schema names given here.
 */
export interface RouteSpec<P extends SchemaName | undefined, Q extends SchemaName | undefined, B extends SchemaName | undefined, R> {
  method: Method;
  /** Express syntax: /v1/actors/:id */
  path: string;
  summary: string;
  tag: string;
  /** Schema names in schemas/. A route without `query` takes none (empty-query). */
  params?: P;
  query?: Q;
  body?: B;
  /** Who may call it; default: GET needs a reading key, other methods a journalist's. */
  access?: Access;
  /** Status of success and the schema of its body (null: no body). */
  status: number;
  response: R;
  /** Content type of the success body, when not JSON. */
  produces?: string;
  /**
   * The route lists `items` and also answers text/csv (?format=csv or Accept: text/csv), one row per item,
   * from the same body the JSON would carry (src/http/csv.ts). Its query schema takes `format`.
   */
  csv?: boolean;
  /**
   * The answer is kept in memory and sent again until the database changes (src/http/mount.ts, ReadCache):
   * for a GET whose JSON body depends on nothing but its URL, the database and the caller's role (no
   * clock, no header of the handler's own). Kept per role, so what one role may see never reaches another.
   */
  cached?: boolean;
  /**
   * The handler runs its own transaction (typically a write job on a worker thread, src/workers/), so
   * mount does not wrap it in one.
   */
  ownTransaction?: boolean;
  /**
   * The handler gets the body unparsed (a Buffer) and parses and validates it against `body` itself, with
   * parseJsonBody and the same validator, typically on a worker thread: a 2 MiB body takes longer to parse
   * and validate than the event loop may be held.
   */
  rawBody?: boolean;
  /** Other statuses this route can answer with a problem, beyond 400/401/403/404/429. */
  errors?: number[];
  /**
   * Every other response, by status: another success (a re-post that created nothing answers 200), or
   * more media types of the success status (merged with it). The OpenAPI document declares exactly these,
   * and the contract test fails any response that is not declared.
   */
  responses?: Record<number, ResponseSpec>;
  handler(
    ctx: RouteContext<PartOf<P, undefined>, PartOf<Q, SchemaTypes['empty-query']>, PartOf<B, undefined>>,
  ): Reply<R> | Promise<Reply<R>>;
}

/** A route as the app holds it, whatever its schemas: mountRoutes validates each part before the handler sees it. */
export interface RouteDef
  extends Omit<RouteSpec<SchemaName | undefined, SchemaName | undefined, SchemaName | undefined, SchemaName | null>, 'handler'> {
  handler(ctx: RouteContext): unknown;
}

/** Declares a route: the schema names it gives type its handler (routes stay data; this only checks them). */
export function route<
  R extends SchemaName | null,
  P extends SchemaName | undefined = undefined,
  Q extends SchemaName | undefined = undefined,
  B extends SchemaName | undefined = undefined,
>(spec: RouteSpec<P, Q, B, R>): RouteDef {
  return spec;
}

export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

export const accessOf = (r: RouteDef): Access => r.access ?? (r.method === 'get' ? 'read' : 'write');
