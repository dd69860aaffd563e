import type { Request, Response } from 'express';
import type { Access } from '../access/roles.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<P = any, Q = any, B = any> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/**
 * One route, described once: Express mounts it, the validator checks it, OpenAPI documents it,
 * and the access matrix test walks it.
 */
export interface RouteDef {
  method: Method;
  /** Express syntax: /v1/actors/:id */
  path: string;
  summary: string;
  tag: string;
  /** Schema names in schemas/ (file name less .schema.json). */
  params?: string;
  query?: string;
  body?: string;
  /** Who may call it; default: GET needs a reading key, other methods a journalist's. */
  access?: Access;
  /** Status of success and the schema of its body (null: no body). */
  status: number;
  response: string | null;
  /** Content type of the success body, when not JSON. */
  produces?: string;
  /** Other statuses this route can answer with, beyond 400/401/403/404/429. */
  errors?: number[];
  handler(ctx: RouteContext): unknown;
}

export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

export const accessOf = (r: RouteDef): Access => r.access ?? (r.method === 'get' ? 'read' : 'write');
