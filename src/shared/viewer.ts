export type Role = 'reader' | 'journalist' | 'editor' | 'admin';

/** Who is asking: decides what confidential fields a response may carry. */
export interface Viewer {
  role: Role | 'public';
  keyId: number | null;
}

export const canSeeConfidential = (v: Viewer) => v.role === 'editor' || v.role === 'admin';
