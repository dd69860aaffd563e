import type { Viewer } from '../http/request-viewer.js';

// Roles come from the schema (common.schema.json#/$defs/role); the viewer is what http/ attaches to a request.
export type { Role } from '../generated/schema-types.js';
export type { Viewer };

export const canSeeConfidential = (v: Viewer) => v.role === 'editor' || v.role === 'admin';
