import { api } from '../api.js';
import type { Actor, DocumentList as Docs } from '../types.js';
import { label, Show, useLoad, useTitle } from '../ui.js';

async function loadDocuments(): Promise<{ docs: Docs; outlets: Map<number, Actor> }> {
  const docs = await api<Docs>('/v1/documents?limit=200');
  const ids = [...new Set(docs.items.map((d) => d.outletId))];
  const outlets = await Promise.all(ids.map((i) => api<Actor>(`/v1/actors/${i}`).catch(() => null)));
  return { docs, outlets: new Map(outlets.filter((o): o is Actor => o !== null).map((o) => [o.id, o])) };
}

export function DocumentList() {
  useTitle('Documents');
  const [v] = useLoad(loadDocuments, []);
  return (
    <section>
      <h1>Documents</h1>
      <Show v={v}>
        {({ docs, outlets }) =>
          docs.items.length === 0 ? (
            <p class="muted">No documents yet.</p>
          ) : (
            <table class="list">
              <caption class="sr-only">Documents, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Outlet</th>
                  <th scope="col">Published</th>
                </tr>
              </thead>
              <tbody>
                {docs.items.map((d) => {
                  const o = outlets.get(d.outletId);
                  return (
                    <tr key={d.id}>
                      <td>
                        <a href={`/documents/${d.id}`}>{d.title}</a>
                      </td>
                      <td>{o ? <a href={`/actors/${o.id}`}>{label(o)}</a> : d.outletId}</td>
                      <td>{d.publishedOn ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}
