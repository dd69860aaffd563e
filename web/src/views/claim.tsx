import { api } from '../api.js';
import type { AuditReport, AuditRouteGroup, Claim } from '../types.js';
import { Badge, Show, useLoad, useTitle, words } from '../ui.js';

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

const REASONS: Record<AuditRouteGroup['grouping'][number]['reason'], string> = {
  sharedHop: 'passed through',
  sameDocument: 'first-hand in',
  sameSpeaker: 'said by',
};

/** One independent route, drawn as a group: its statements and why they count as one. */
function Route({ r, n, texts }: { r: AuditRouteGroup; n: number; texts: Map<number, string | undefined> }) {
  return (
    <div class="route">
      <h3>
        Route {n}
        {r.grouping.length > 0 && (
          <span class="muted"> — one route: {r.grouping.map((g) => `${REASONS[g.reason]} ${g.on.label}`).join('; ')}</span>
        )}
      </h3>
      <ul>
        {r.statements.map((s) => (
          <li key={s.statementId}>
            <a href={`/statements/${s.statementId}`}>“{texts.get(s.statementId) ?? `statement ${s.statementId}`}”</a> —{' '}
            <a href={`/actors/${s.speakerId}`}>{s.speaker}</a> <Badge kind={s.identityStatus}>{s.identityStatus}</Badge>{' '}
            <span class="muted">({words(s.stance)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ClaimView({ id }: { id: number }) {
  const [v] = useLoad(() => Promise.all([api<Claim>(`/v1/claims/${id}`), api<AuditReport>(`/v1/audits/claims/${id}`)]), [id]);
  useTitle(v.state === 'ok' ? v.data[0].text.slice(0, 50) : `Claim ${id}`);
  return (
    <Show v={v}>
      {([claim, report]) => {
        const ind = report.independence.find((x) => x.claimId === claim.id);
        const texts = new Map((claim.statements ?? []).map((s) => [s.statementId, s.text]));
        const verdict = claim.verdict as { rating?: string; reviewedBy?: string } | null;
        const opp = ind?.opposition;
        return (
          <section>
            <h1>Claim: {claim.text}</h1>
            {verdict?.rating && (
              <p>
                Verdict: <strong>{words(verdict.rating)}</strong>
                {verdict.reviewedBy ? ` (${verdict.reviewedBy})` : ''}
              </p>
            )}
            <div class="sides">
              <section aria-labelledby="support-title">
                <h2 id="support-title">Support</h2>
                {ind && (
                  <p class="independence">
                    <strong>{ind.supportingStatements}</strong> statements from <strong>{ind.speakers}</strong> speakers, through{' '}
                    <strong>{ind.independentRoutes}</strong> independent {ind.independentRoutes === 1 ? 'route' : 'routes'}
                  </p>
                )}
                {ind?.routes.map((r, i) => (
                  <Route key={r.statementIds.join('-')} r={r} n={i + 1} texts={texts} />
                ))}
                {(!ind || ind.supportingStatements === 0) && <p class="muted">Nobody on record supports it.</p>}
              </section>
              <section aria-labelledby="against-title">
                <h2 id="against-title">Opposition</h2>
                {opp && (
                  <p class="independence">
                    <strong>{opp.statements}</strong> statements ({opp.byStance.disputes} disputing, {opp.byStance.denies} denying,{' '}
                    {opp.byStance.declines_to_comment} declining to comment) from <strong>{opp.speakers}</strong> speakers, through{' '}
                    <strong>{opp.independentRoutes}</strong> independent {opp.independentRoutes === 1 ? 'route' : 'routes'}
                  </p>
                )}
                {opp?.routes.map((r, i) => (
                  <Route key={r.statementIds.join('-')} r={r} n={i + 1} texts={texts} />
                ))}
                {(!opp || opp.statements === 0) && <p class="muted">Nobody on record disputes it.</p>}
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
