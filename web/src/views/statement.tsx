import { api } from '../api.js';
import { ProvenanceDiagram } from '../diagram.js';
import type { Provenance } from '../types.js';
import { ActorLink, Badge, label, Show, useLoad, useTitle, words } from '../ui.js';

export function StatementView({ id }: { id: number }) {
  const [v] = useLoad(() => api<Provenance>(`/v1/statements/${id}/provenance`), [id]);
  useTitle(v.state === 'ok' ? `${label(v.data.speaker)}: ${v.data.statement.text.slice(0, 40)}` : `Statement ${id}`);
  return (
    <Show v={v}>
      {(p) => {
        const s = p.statement;
        return (
          <section>
            <h1>
              Statement by <ActorLink actor={p.speaker} />
            </h1>
            <blockquote class="statement-text">{s.text}</blockquote>
            <p class="muted">
              {s.textForm}, {words(s.kind)}
              {s.saidOn ? `, said ${s.saidOn}` : ''}
              {s.medium ? ` · ${s.medium}` : ''}
              {p.mediumPublisher ? ` published by ${label(p.mediumPublisher)}` : ''}{' '}
              {s.circumstances.map((c) => (
                <Badge kind="circ" key={c}>
                  {words(c)}
                </Badge>
              ))}
            </p>
            {s.claims && s.claims.length > 0 && (
              <p>
                Claims:{' '}
                {s.claims.map((c) => (
                  <a key={c.claimId} href={`/claims/${c.claimId}`} class="claim-link">
                    {words(c.stance)} claim {c.claimId}
                  </a>
                ))}
              </p>
            )}
            <h2>How it travelled</h2>
            <p class="muted">From the speaker (left) to every page that carried it (right); each hop is drawn once.</p>
            {p.hops.length === 0 ? <p class="muted">No recorded hops.</p> : <ProvenanceDiagram speaker={p.speaker} hops={p.hops} />}
          </section>
        );
      }}
    </Show>
  );
}
