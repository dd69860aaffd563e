import { api } from '../api.js';
import type { Actor, AuditReport, Claim } from '../types.js';
import { Badge, label, Show, useLoad, useTitle, words } from '../ui.js';

type ClaimStatement = NonNullable<Claim['statements']>[number];

export function ClaimList() {
  useTitle('Claims');
  const [v] = useLoad(() => api<{ items: Claim[] }>('/v1/claims?limit=200'), []);
  return (
    <section>
      <h1>Claims</h1>
      <Show v={v}>
        {(list) =>
          list.items.length === 0 ? (
            <p class="muted">No claims yet.</p>
          ) : (
            <ul class="said">
              {list.items.map((c) => (
                <li key={c.id}>
                  <a href={`/claims/${c.id}`}>{c.text}</a>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

async function loadClaim(id: number) {
  const [claim, report] = await Promise.all([api<Claim>(`/v1/claims/${id}`), api<AuditReport>(`/v1/audits/claims/${id}`)]);
  const speakerIds = [...new Set((claim.statements ?? []).map((s) => s.speakerId))];
  const actors = await Promise.all(speakerIds.map((i) => api<Actor>(`/v1/actors/${i}`).catch(() => null)));
  return { claim, report, actors: new Map(actors.filter((a): a is Actor => a !== null).map((a) => [a.id, a])) };
}

function StatementItem({ s, actors }: { s: ClaimStatement; actors: Map<number, Actor> }) {
  const a = actors.get(s.speakerId);
  return (
    <li>
      <a href={`/statements/${s.statementId}`}>“{s.text ?? `statement ${s.statementId}`}”</a> —{' '}
      {a ? (
        <>
          <a href={`/actors/${a.id}`}>{label(a)}</a> <Badge kind={a.identityStatus}>{a.identityStatus}</Badge>
        </>
      ) : (
        `speaker ${s.speakerId}`
      )}{' '}
      <span class="muted">({words(s.stance)})</span>
    </li>
  );
}

export function ClaimView({ id }: { id: number }) {
  const [v] = useLoad(() => loadClaim(id), [id]);
  useTitle(v.state === 'ok' ? v.data.claim.text.slice(0, 50) : `Claim ${id}`);
  return (
    <Show v={v}>
      {({ claim, report, actors }) => {
        const all = claim.statements ?? [];
        const support = all.filter((s) => s.stance === 'supports');
        const against = all.filter((s) => s.stance !== 'supports');
        const ind = report.independence.find((x) => x.claimId === claim.id);
        const byId = new Map(all.map((s) => [s.statementId, s]));
        const verdict = claim.verdict as { rating?: string; reviewedBy?: string } | null;
        return (
          <section>
            <h1>Claim: {claim.text}</h1>
            {verdict?.rating && (
              <p>
                Verdict: <strong>{words(verdict.rating)}</strong>
                {verdict.reviewedBy ? ` (${verdict.reviewedBy})` : ''}
              </p>
            )}
            {ind && (
              <p class="independence">
                <strong>{ind.supportingStatements}</strong> supporting statements from <strong>{ind.speakers}</strong> speakers, but only{' '}
                <strong>{ind.independentRoutes}</strong> independent {ind.independentRoutes === 1 ? 'route' : 'routes'}.
              </p>
            )}
            <div class="sides">
              <section aria-labelledby="support-title">
                <h2 id="support-title">Support ({support.length})</h2>
                {ind && ind.routes.length > 0 ? (
                  ind.routes.map((r, i) => (
                    <div class="route" key={r.statementIds.join('-')}>
                      <h3>
                        Route {i + 1}
                        {r.sharedUpstream.length > 0 && (
                          <span class="muted"> — shared upstream: {r.sharedUpstream.map((u) => u.label).join(', ')}</span>
                        )}
                      </h3>
                      <ul>
                        {r.statementIds.map((sid) => {
                          const s = byId.get(sid);
                          return s ? <StatementItem key={sid} s={s} actors={actors} /> : <li key={sid}>statement {sid}</li>;
                        })}
                      </ul>
                    </div>
                  ))
                ) : (
                  <ul>
                    {support.map((s) => (
                      <StatementItem key={s.statementId} s={s} actors={actors} />
                    ))}
                  </ul>
                )}
                {support.length === 0 && <p class="muted">Nobody on record supports it.</p>}
              </section>
              <section aria-labelledby="against-title">
                <h2 id="against-title">Disputes and denials ({against.length})</h2>
                <ul>
                  {against.map((s) => (
                    <StatementItem key={s.statementId} s={s} actors={actors} />
                  ))}
                </ul>
                {against.length === 0 && <p class="muted">Nobody on record disputes it.</p>}
              </section>
            </div>
            <p>
              <a href={`/audits/claims/${claim.id}`}>Audit this claim</a>
            </p>
          </section>
        );
      }}
    </Show>
  );
}
