import { useEffect, useState } from 'preact/hooks';
import { api, qs, saveFile } from '../api.js';
import { location, navigate } from '../router.js';
import type { ProvenanceHop, SearchHit, SearchResults } from '../types.js';
import { ActorLink, Badge, ErrorNote, label, Loading, useTitle, words } from '../ui.js';

const FILTERS = ['identityStatus', 'saidFrom', 'saidTo'] as const;

/** The snippet with its highlights as <mark>: text nodes only, nothing from the server parsed as HTML. */
function Snippet({ s }: { s: SearchHit['snippet'] }) {
  const parts: Array<string | preact.JSX.Element> = [];
  let at = 0;
  for (const h of [...s.highlights].sort((a, b) => a.start - b.start)) {
    if (h.start < at) continue;
    parts.push(s.text.slice(at, h.start), <mark key={h.start}>{s.text.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  parts.push(s.text.slice(at));
  return <blockquote>{parts}</blockquote>;
}

/** Every path from the speaker to a page, flattened from the hop tree (the diagram draws it once). */
function paths(hops: ProvenanceHop[], prefix: ProvenanceHop[] = []): ProvenanceHop[][] {
  return hops.flatMap((h) => (h.hops.length ? paths(h.hops, [...prefix, h]) : [[...prefix, h]]));
}

/** How the quote matched, when the search reports it (verbatim, normalised, partial…). */
function matchClassOf(hit: SearchHit): string | null {
  const m = (hit as SearchHit & { matchClass?: unknown }).matchClass;
  return typeof m === 'string' ? m : null;
}

function Hit({ hit }: { hit: SearchHit }) {
  const s = hit.statement;
  const mc = matchClassOf(hit);
  return (
    <li class="hit">
      <Snippet s={hit.snippet} />
      <p>
        <span class="who">{label(hit.speaker)}</span> <Badge kind={hit.speaker.identityStatus}>{hit.speaker.identityStatus}</Badge>
        {hit.speaker.actsFor && <> for {label(hit.speaker.actsFor)}</>}{' '}
        {s.circumstances.map((c) => (
          <Badge kind="circ" key={c}>
            {words(c)}
          </Badge>
        ))}
        {mc && <Badge kind={`match match-${mc}`}>{words(mc)} match</Badge>}
        <span class="muted">
          {' '}
          · {s.textForm}, {words(s.kind)}
          {s.saidOn ? `, ${s.saidOn}` : ''}
        </span>
        {hit.mediumPublisher && (
          <span class="muted">
            {' '}
            · {s.medium ?? 'medium'} published by {label(hit.mediumPublisher)}
          </span>
        )}
      </p>
      {paths(hit.hops).map((path) => (
        <ol class="chain" aria-label="how it travelled" key={path.map((h) => h.id).join('-')}>
          <li>{label(hit.speaker)}</li>
          {path.map((h) => (
            <li key={h.id}>
              {h.depth === 1 && !h.firstHand ? '? ' : ''}
              <strong>{label(h.relayedBy)}</strong>
              <span class="cue">{h.cue ? ` “${h.cue}”` : ' (no cue)'}</span>
              {h.document && (
                <span class="muted">
                  {' '}
                  in <cite>{h.document.title}</cite>
                </span>
              )}
            </li>
          ))}
        </ol>
      ))}
      {hit.hops.length === 0 && <p class="muted">No recorded hops.</p>}
      {hit.claims.length > 0 && (
        <ul class="claims">
          {hit.claims.map((c) => (
            <li key={c.claimId}>
              {words(c.stance)}: <a href={`/claims/${c.claimId}`}>{c.text}</a>
            </li>
          ))}
        </ul>
      )}
      <p class="actions">
        <a href={`/statements/${s.id}`}>Statement and provenance diagram</a> · speaker: <ActorLink actor={hit.speaker} />
      </p>
    </li>
  );
}

export function SearchView() {
  const query = location.value.query;
  const q = query.get('q') ?? '';
  useTitle(q ? `“${q.slice(0, 40)}”` : 'Who said this?');
  const [draft, setDraft] = useState<Record<string, string>>({});
  const value = (k: string) => draft[k] ?? query.get(k) ?? '';
  const set = (k: string) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [k]: e.currentTarget.value });
  const submit = (ev: Event) => {
    ev.preventDefault();
    const params: Record<string, string> = { q: value('q') };
    for (const f of FILTERS) params[f] = value(f);
    setDraft({});
    navigate(`/search${qs(params)}`);
  };
  return (
    <section>
      <h1>Who said this?</h1>
      <form class="search" onSubmit={submit}>
        <label for="q">Paste a quote or phrase as you saw it</label>
        <textarea
          id="q"
          rows={3}
          required
          maxLength={10000}
          placeholder="“I took them weapons from Makhachkala”"
          value={value('q')}
          onInput={set('q')}
        />
        <div class="filters">
          <label>
            Speaker is{' '}
            <select id="identityStatus" value={value('identityStatus')} onChange={set('identityStatus')}>
              <option value="">anyone</option>
              <option value="named">named</option>
              <option value="anonymous">anonymous</option>
              <option value="unidentified">unidentified</option>
            </select>
          </label>
          <label>
            Said from <input id="saidFrom" placeholder="2024-03" size={10} value={value('saidFrom')} onInput={set('saidFrom')} />
          </label>
          <label>
            to <input id="saidTo" placeholder="2024-04" size={10} value={value('saidTo')} onInput={set('saidTo')} />
          </label>
          <button type="submit">Who said this?</button>
        </div>
      </form>
      {q && <Results key={query.toString()} query={query} />}
    </section>
  );
}

function Results({ query }: { query: URLSearchParams }) {
  const [pages, setPages] = useState<SearchResults[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = async (cursor?: string) => {
    setBusy(true);
    try {
      const params: Record<string, string> = {};
      for (const k of ['q', ...FILTERS]) params[k] = query.get(k) ?? '';
      const page = await api<SearchResults>(`/v1/search${qs({ ...params, cursor })}`);
      setPages((p) => [...p, page]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  if (error !== null) return <ErrorNote error={error} />;
  if (pages.length === 0) return <Loading />;
  const items = pages.flatMap((p) => p.items);
  const next = pages[pages.length - 1].nextCursor;
  return (
    <>
      {items.length === 0 && (
        <p class="info" role="status">
          Nobody on record said that. Try fewer words, or a distinctive phrase.
        </p>
      )}
      <ol id="results" class="results" aria-label="Who said it">
        {items.map((hit) => (
          <Hit hit={hit} key={hit.statement.id} />
        ))}
      </ol>
      <div class="buttons">
        {next && (
          <button type="button" disabled={busy} onClick={() => void load(next)}>
            More results
          </button>
        )}
        {items.length > 0 && <CsvDownload query={query} />}
      </div>
    </>
  );
}

/** The best 200 results as a CSV file for a spreadsheet: the columns the signed-in role may read. */
function CsvDownload({ query }: { query: URLSearchParams }) {
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<unknown>(null);
  const save = () => {
    setError(null);
    const params: Record<string, string> = {};
    for (const k of ['q', ...FILTERS]) params[k] = query.get(k) ?? '';
    saveFile(`/v1/search${qs({ ...params, limit: 200, format: 'csv' })}`, 'search.csv').then(
      (name) => setSaved(`Saved ${name}.`),
      setError,
    );
  };
  return (
    <>
      <button type="button" onClick={save}>
        Download as CSV
      </button>
      <span role="status" class="note">
        {saved}
      </span>
      {error !== null && <ErrorNote error={error} />}
    </>
  );
}
