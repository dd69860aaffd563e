import { api } from '../api.js';
import type { Actor, StatementList } from '../types.js';
import { Badge, label, Show, useLoad, useTitle, words } from '../ui.js';

const HOW_IDENTIFIABLE: Record<Actor['identityStatus'], string> = {
  named: 'Named: readers can tell who this is.',
  anonymous: 'Anonymous: the newsroom may know who this is; readers are told only the description.',
  unidentified: 'Unidentified: nobody on record knows who this is.',
};

export function ActorView({ id }: { id: number }) {
  const [v] = useLoad(
    () => Promise.all([api<Actor>(`/v1/actors/${id}`), api<StatementList>(`/v1/statements?speakerId=${id}&limit=200`)]),
    [id],
  );
  useTitle(v.state === 'ok' ? label(v.data[0]) : `Actor ${id}`);
  return (
    <Show v={v}>
      {([a, said]) => (
        <section>
          <h1>
            {label(a)} <Badge kind={a.identityStatus}>{a.identityStatus}</Badge>
          </h1>
          <p>{HOW_IDENTIFIABLE[a.identityStatus]}</p>
          <dl class="facts">
            <dt>Kind</dt>
            <dd>{a.kind}</dd>
            {a.description && (
              <>
                <dt>Described as</dt>
                <dd>{a.description}</dd>
              </>
            )}
            {a.affiliation && (
              <>
                <dt>Affiliation</dt>
                <dd>{a.affiliation}</dd>
              </>
            )}
            {a.anonymityReason && (
              <>
                <dt>Why anonymous</dt>
                <dd>{a.anonymityReason}</dd>
              </>
            )}
            {a.actsForId !== null && (
              <>
                <dt>Speaks for</dt>
                <dd>
                  <a href={`/actors/${a.actsForId}`}>actor {a.actsForId}</a>
                </dd>
              </>
            )}
            <dt>Identity attested by an editor</dt>
            <dd>{a.attested ? 'yes' : 'no'}</dd>
            {a.attestation && (
              <>
                <dt>Attestation</dt>
                <dd>
                  {a.attestation.by} {a.attestation.at} {a.attestation.note}
                </dd>
              </>
            )}
            {a.confidentialNotes && (
              <>
                <dt>Confidential notes</dt>
                <dd>{a.confidentialNotes}</dd>
              </>
            )}
          </dl>
          <p>
            <a href={`/audits/actors/${a.id}`}>Audit this actor</a>
          </p>
          <h2>What they said ({said.items.length})</h2>
          {said.items.length === 0 ? (
            <p class="muted">No statements on record.</p>
          ) : (
            <ul class="said">
              {said.items.map((s) => (
                <li key={s.id}>
                  <a href={`/statements/${s.id}`}>“{s.text.length > 160 ? `${s.text.slice(0, 160)}…` : s.text}”</a>{' '}
                  <span class="muted">
                    {s.textForm}, {words(s.kind)}
                    {s.saidOn ? `, ${s.saidOn}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Show>
  );
}
