import { HttpError } from '../http/problem.js';
import type { Access } from '../http/route.js';
import type { Role, Viewer } from '../shared/viewer.js';

const RANK: Record<Viewer['role'], number> = { public: 0, reader: 1, journalist: 2, editor: 3, admin: 4 };
const NEEDED: Record<Exclude<Access, 'public'>, Role> = { read: 'reader', write: 'journalist', editor: 'editor', admin: 'admin' };

export const roleFor = (access: Exclude<Access, 'public'>): Role => NEEDED[access];

export function hasRole(viewer: Viewer, role: Role): boolean {
  return RANK[viewer.role] >= RANK[role];
}

export function forbidden(role: Role, what: string): HttpError {
  return new HttpError(403, 'forbidden', 'Forbidden', `${what} needs a key with the ${role} role or above.`);
}

export function requireRole(viewer: Viewer, role: Role, what: string): void {
  if (!hasRole(viewer, role)) throw forbidden(role, what);
}
