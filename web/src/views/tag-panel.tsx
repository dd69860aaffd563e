import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { paths } from '../diagram.js';
import { can } from '../session.js';
import type { Provenance, Tag } from '../types.js';
import { ActorLink, Badge, ErrorNote, label, Show, useLoad, words } from '../ui.js';
import type { Span } from './tag-form.js';

const STATUS_NOTE: Record<Tag['status'], string> = {
  anchored: 'at the text it was tagged on',
  moved: 'the same words, moved by an edit',
  fuzzy: 'an edit changed these words: accept the new text, or select the right words and re-anchor',
  orphaned: 'an edit removed these words: select where they went and re-anchor',
};

interface Props {
  tag: Tag;
  span: Span | null;
  onChanged: (message: string) => void;
  onClose: () => void;
}

/** A tag opened: its statement, speaker and chain, and for journalists the repairs its status calls for. */
export function TagPanel({ tag, span, onChanged, onClose }: Props) {
  const [prov] = useLoad(() => api<Provenance>(`/v1/statements/${tag.statementId}/provenance`), [tag.statementId]);
  const [error, setError] = useState<unknown>(null);
  const title = useRef<HTMLHeadingElement>(null);
  // The opened tag takes the focus, so the keyboard goes on from it (Escape closes it).
  useEffect(() => title.current?.focus(), [tag.id]);
  const act = async (what: string, body: unknown, method: 'PATCH' | 'DELETE' = 'PATCH') => {
    setError(null);
    try {
      await api(`/v1/tags/${tag.id}`, { method, body });
      onChanged(what);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="panel tag-panel" aria-labelledby="tag-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2 id="tag-title" tabIndex={-1} ref={title}>
        Tag {tag.id} <Badge kind={`status s-${tag.status}`}>{tag.status}</Badge>
      </h2>
      <p class="muted">
        {STATUS_NOTE[tag.status]}
        {tag.status === 'fuzzy' && ` (similarity ${Math.round(tag.score * 100)}%)`}
      </p>
      <blockquote>{tag.exact}</blockquote>
      {tag.quote !== tag.exact && (
        <p class="muted">
          Tagged as: <q>{tag.quote}</q>
        </p>
      )}
      <p>
        Speaker: <ActorLink actor={tag.speaker} />
      </p>
      <Show v={prov}>
        {(p) => (
          <>
            <p>
              Statement:{' '}
              <a href={`/statements/${p.statement.id}`}>
                {p.statement.textForm}, {words(p.statement.kind)}
                {p.statement.saidOn ? `, ${p.statement.saidOn}` : ''}
              </a>
            </p>
            <h3>How it travelled</h3>
            {paths(p.hops).map((path) => (
              <ol class="chain" key={path.map((h) => h.id).join('-')}>
                <li>{label(p.speaker)}</li>
                {path.map((h) => (
                  <li key={h.id} class={h.id === tag.relayId ? 'this-hop' : undefined}>
                    <strong>{label(h.relayedBy)}</strong> <span class="cue">{h.cue ? `“${h.cue}”` : '(no cue)'}</span>{' '}
                    <span class="muted">
                      {words(h.hedge)}, {h.mode}
                    </span>
                  </li>
                ))}
              </ol>
            ))}
            <p>
              <a href={`/statements/${p.statement.id}`}>Open the provenance diagram</a>
            </p>
          </>
        )}
      </Show>
      {can('journalist') && (
        <div class="buttons">
          {(tag.status === 'fuzzy' || tag.status === 'moved') && (
            <button type="button" onClick={() => void act(`Tag ${tag.id}: match accepted`, { accept: true })}>
              Accept the match
            </button>
          )}
          <button
            type="button"
            disabled={!span}
            aria-describedby="reanchor-hint"
            onClick={() =>
              span && void act(`Tag ${tag.id}: re-anchored`, { selector: { start: span.start, end: span.end, exact: span.exact } })
            }
          >
            Re-anchor at the selection
          </button>
          <button type="button" class="secondary" onClick={() => void act(`Tag ${tag.id} deleted`, undefined, 'DELETE')}>
            Delete tag
          </button>
        </div>
      )}
      {can('journalist') && (
        <p id="reanchor-hint" class="muted">
          {span ? `Selected: “${span.exact.slice(0, 80)}”` : 'Select words in the text to re-anchor this tag there.'}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      <button type="button" class="link" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
