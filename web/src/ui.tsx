import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { session } from './session.js';
import type { ActorSummary } from './types.js';

export const label = (a: { name: string | null; description: string | null; id: number }): string =>
  a.name ?? a.description ?? `actor ${a.id}`;

export const words = (s: string): string => s.replace(/_/g, ' ');

export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`badge ${kind}`}>{children}</span>;
}

export function ActorLink({ actor }: { actor: ActorSummary }) {
  return (
    <span class="actor">
      <a href={`/actors/${actor.id}`}>{label(actor)}</a> <Badge kind={actor.identityStatus}>{actor.identityStatus}</Badge>
    </span>
  );
}

/** What a refused request means for the person at the desk: never a blank page. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error instanceof ApiError) {
    const p = error.problem;
    let lead: ComponentChildren = p.title;
    if (p.status === 401)
      lead = session.value ? (
        'Your key was not accepted (revoked or mistyped). Sign in again with a current key.'
      ) : (
        <>
          This needs an API key.{' '}
          <a href={`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`}>Sign in</a> with the key your
          administrator gave you.
        </>
      );
    else if (p.status === 403)
      lead = `Your key's role (${session.value?.role ?? 'none'}) may not do this. Ask an editor or an administrator for a key with the needed role.`;
    else if (p.status === 404) lead = 'There is no such record (it may have been deleted).';
    return (
      <div class="error" role="alert">
        <p>
          <strong>{lead}</strong>
        </p>
        {p.detail && <p class="muted">{p.detail}</p>}
        {p.errors && p.errors.length > 0 && (
          <ul>
            {p.errors.map((e) => (
              <li key={e.pointer + e.message}>
                <code>{e.pointer || '/'}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <p>
        <strong>Something went wrong:</strong> {error instanceof Error ? error.message : String(error)}
      </p>
    </div>
  );
}

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: unknown };

/** Loads data for a view; runs again when a dependency changes, and `reload` runs it on demand. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: unknown) => live && setValue({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [value, () => setTick((n) => n + 1)];
}

export function Loading() {
  return (
    <p class="muted" role="status">
      Loading…
    </p>
  );
}

/** A view's data, or what to show while it loads or when it cannot. */
export function Show<T>({ v, children }: { v: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (v.state === 'loading') return <Loading />;
  if (v.state === 'error') return <ErrorNote error={v.error} />;
  return <>{children(v.data)}</>;
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · whosaid desk`;
  }, [title]);
}
