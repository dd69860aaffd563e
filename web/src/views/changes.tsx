import { useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { location, navigate } from '../router.js';
import type { Change, ChangeList, ChangeVerification } from '../types.js';
import { ErrorNote, Show, useLoad, useTitle } from '../ui.js';

const TYPES = ['', 'actor', 'document', 'statement', 'relay', 'claim', 'claim-link', 'tag', 'key'];

function fieldsChanged(c: Change): string {
  const before = (c.before ?? {}) as Record<string, unknown>;
  const after = (c.after ?? {}) as Record<string, unknown>;
  if (c.action !== 'update') return '';
  const keys = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return keys.join(', ');
}

const RECORD_PAGES: Record<string, string> = { actor: 'actors', document: 'documents', statement: 'statements', claim: 'claims' };

export function ChangesView() {
  useTitle('Changes');
  const q = location.value.query;
  const recordType = q.get('recordType') ?? '';
  const recordId = q.get('recordId') ?? '';
  const cursor = q.get('cursor') ?? '';
  const [v] = useLoad(
    () => api<ChangeList>(`/v1/changes${qs({ recordType, recordId, cursor, limit: 50 })}`),
    [recordType, recordId, cursor],
  );
  const [check, setCheck] = useState<ChangeVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState({ recordType, recordId });
  return (
    <section>
      <h1>Change history</h1>
      <p>Every write, who made it (by key) and what it changed, chained by hashes so a rewritten entry shows.</p>
      <div class="buttons">
        <button
          type="button"
          onClick={() => {
            setError(null);
            api<ChangeVerification>('/v1/changes/verify').then(setCheck, setError);
          }}
        >
          Verify the history
        </button>
      </div>
      {check && (
        <p role="status" class={check.intact ? 'ok verdict' : 'bad verdict'}>
          <strong>{check.intact ? 'Intact' : 'Broken'}</strong>: {check.checked} entries checked
          {check.firstBroken && ` — first broken at #${check.firstBroken.seq} (${check.firstBroken.reason})`}
          {check.intact && ` · tree of ${check.treeSize}, root ${check.rootHash.slice(0, 16)}…`}
        </p>
      )}
      {check && check.problems.length > 0 && (
        <ul class="problems">
          {check.problems.map((p) => (
            <li key={`${p.kind}-${p.seq ?? ''}-${p.recordType ?? ''}-${p.recordId ?? ''}`}>
              <strong>{p.kind}</strong>
              {p.seq !== undefined ? ` #${p.seq}` : ''}
              {p.recordType ? ` ${p.recordType} ${p.recordId ?? ''}` : ''}: {p.reason}
            </li>
          ))}
        </ul>
      )}
      {error !== null && <ErrorNote error={error} />}
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/changes${qs(draft)}`);
        }}
      >
        <label>
          Record type{' '}
          <select value={draft.recordType} onChange={(e) => setDraft({ ...draft, recordType: e.currentTarget.value })}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Record id <input size={8} value={draft.recordId} onInput={(e) => setDraft({ ...draft, recordId: e.currentTarget.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Show v={v}>
        {(list) => (
          <>
            <table class="list changes">
              <caption class="sr-only">Changes, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Key</th>
                  <th scope="col">Action</th>
                  <th scope="col">Record</th>
                  <th scope="col">Fields</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((c) => (
                  <tr key={c.seq}>
                    <td>{c.seq}</td>
                    <td>{c.at}</td>
                    <td>{c.keyId ?? '—'}</td>
                    <td>{c.action}</td>
                    <td>
                      {RECORD_PAGES[c.recordType] && c.action !== 'delete' ? (
                        <a href={`/${RECORD_PAGES[c.recordType]}/${c.recordId}`}>
                          {c.recordType} {c.recordId}
                        </a>
                      ) : (
                        `${c.recordType} ${c.recordId}`
                      )}
                    </td>
                    <td>{fieldsChanged(c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.items.length === 0 && <p class="muted">No changes match.</p>}
            {list.nextCursor && <a href={`/changes${qs({ recordType, recordId, cursor: list.nextCursor })}`}>Next page</a>}
          </>
        )}
      </Show>
    </section>
  );
}
