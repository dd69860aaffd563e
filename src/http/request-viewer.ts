import type { Role } from '../generated/schema-types.js';

/** Who is asking: decides what confidential fields a response may carry. Set on every request by access/. */
export interface Viewer {
  role: Role | 'public';
  keyId: number | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      viewer: Viewer;
    }
  }
}
