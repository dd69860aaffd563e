import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../http/problem.js';
import type { Viewer } from '../shared/viewer.js';
import type { KeyRow } from './key-repository.js';
import type { KeyService } from './key-service.js';
import type { RateLimiter } from './rate-limit.js';
import type { Access } from '../http/route.js';
import { forbidden, hasRole, roleFor } from './roles.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Why the presented key was not accepted, if one was presented and refused. */
      authFailure?: 'malformed' | 'unknown' | 'revoked';
    }
  }
}

const PUBLIC: Viewer = { role: 'public', keyId: null };

const viewerOf = (key: KeyRow): Viewer => ({ role: key.role as Viewer['role'], keyId: key.id });

export const unauthorized = (detail: string, error?: string) =>
  new HttpError(401, 'unauthorized', 'Unauthorized', detail, { wwwAuthenticate: error ? `Bearer error="${error}"` : 'Bearer' });

/**
 * Works out who is asking, for requests under `prefix` (Express's matching: case-insensitive, whole
 * segments); never fails by itself: each route decides what it needs (authorize).
 */
export function identify(prefix: string, keys: KeyService, addressLimit: RateLimiter, behindProxy = true) {
  const under = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|$)`, 'i');
  // Not an async function: it runs inside sequence() (http/sequence.ts), which passes on what a handler
  // throws or hands to next, not a rejected promise.
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!under.test(req.path)) return next();
    // req.ip reads the forwarding headers Express trusts: worth it only when there is a limit to count, and
    // only behind a trusted proxy; trusting none, it is the socket's address, read here without parsing them.
    if (addressLimit.enabled) addressLimit.hit(`addr:${behindProxy ? req.ip : req.socket.remoteAddress}`);
    req.viewer = PUBLIC;
    const header = req.get('authorization');
    if (header === undefined) return next();
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m) {
      req.authFailure = 'malformed';
      return next();
    }
    const known = keys.authenticated(m[1]);
    if (known) {
      req.viewer = viewerOf(known);
      return next();
    }
    keys.authenticate(m[1]).then((result) => {
      if (result.ok) req.viewer = viewerOf(result.key);
      else req.authFailure = result.reason;
      next();
    }, next);
  };
}

export function authorize(access: Access, publicReads: boolean, keyLimit: RateLimiter) {
  return (req: Request) => {
    if (access === 'public') return;
    if (req.authFailure === 'revoked') throw unauthorized('This API key has been revoked.', 'invalid_token');
    if (req.authFailure) throw unauthorized('The Authorization header does not carry a valid API key (Bearer wsk_…).', 'invalid_token');
    if (req.viewer.keyId === null) {
      if (access === 'read' && publicReads) return;
      throw unauthorized('This route needs an API key: Authorization: Bearer <key>.');
    }
    if (keyLimit.enabled) keyLimit.hit(`key:${req.viewer.keyId}`);
    const role = roleFor(access);
    if (!hasRole(req.viewer, role)) throw forbidden(role, `${req.method} ${req.route?.path ?? req.path}`);
  };
}
