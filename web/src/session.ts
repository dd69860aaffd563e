import { signal } from '@preact/signals';
import type { Role } from './types.js';

// The key lives in this tab (sessionStorage) unless its owner asks to remember it on this device
// (localStorage); nothing else about it is kept.
const KEY = 'whosaid.key';

export interface Session {
  key: string;
  name: string;
  role: Role;
}

function storedKey(): string | null {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
}

export const session = signal<Session | null>(null);
/** A key was found in storage and is being checked. */
export const restoring = signal<boolean>(storedKey() !== null);

export function currentKey(): string | null {
  return session.value?.key ?? storedKey();
}

export function keep(s: Session, remember: boolean): void {
  sessionStorage.setItem(KEY, s.key);
  if (remember) localStorage.setItem(KEY, s.key);
  else localStorage.removeItem(KEY);
  session.value = s;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  session.value = null;
}

const RANK: Record<Role, number> = { reader: 1, journalist: 2, editor: 3, admin: 4 };

/** Whether the signed-in key's role is at least `role`: what the UI offers follows it. */
export function can(role: Role): boolean {
  const s = session.value;
  return s !== null && RANK[s.role] >= RANK[role];
}
