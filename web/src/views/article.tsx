import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { location, navigate } from '../router.js';
import { can } from '../session.js';
import { selectionIn, selectSpan } from '../text-offsets.js';
import type { Actor, Document, TagChange, TagList } from '../types.js';
import { Badge, ErrorNote, label, Show, useLoad, useTitle } from '../ui.js';
import { ArticleBody } from './article-body.js';
import { type Prefill, prefillFromText, type Span, TagForm } from './tag-form.js';
import { TagPanel } from './tag-panel.js';
import { Suggestions } from './suggestions.js';

const STATUSES = ['anchored', 'moved', 'fuzzy', 'orphaned'] as const;

interface Loaded {
  doc: Document;
  tags: TagList;
}

async function loadArticle(id: number): Promise<Loaded> {
  const [doc, tags] = await Promise.all([api<Document>(`/v1/documents/${id}`), api<TagList>(`/v1/documents/${id}/tags`)]);
  return { doc, tags };
}

/** The outlet's name, fetched on its own: the text and its tags need not wait for it. */
function OutletName({ id }: { id: number }) {
  const [v] = useLoad(() => api<Actor>(`/v1/actors/${id}`), [id]);
  return v.state === 'ok' ? <a href={`/actors/${id}`}>{label(v.data)}</a> : <>outlet {id}</>;
}

export function ArticleView({ id }: { id: number }) {
  const [v, reload] = useLoad(() => loadArticle(id), [id]);
  useTitle(v.state === 'ok' ? v.data.doc.title : `Document ${id}`);
  return <Show v={v}>{(data) => <Article data={data} reload={reload} />}</Show>;
}

function summarise(changes: TagChange[]): string {
  if (changes.length === 0) return 'Saved.';
  const n: Record<string, number> = {};
  for (const c of changes) n[c.status] = (n[c.status] ?? 0) + 1;
  return `Saved. Tags: ${Object.entries(n)
    .map(([k, c]) => `${c} ${k}`)
    .join(', ')}.`;
}

function Article({ data, reload }: { data: Loaded; reload: () => void }) {
  const { doc, tags } = data;
  const body = doc.body ?? '';
  const cps = useMemo(() => Array.from(body), [body]);
  const bodyRef = useRef<HTMLDivElement>(null);
  const selectedId = Number(location.value.query.get('tag')) || null;
  const selected = tags.items.find((t) => t.id === selectedId) ?? null;
  const [span, setSpan] = useState<Span | null>(null);
  const [tagging, setTagging] = useState<{ span: Span; prefill: Prefill } | null>(null);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState('');
  const mayWrite = can('journalist');

  // The last non-empty selection in the text: buttons elsewhere (tag, re-anchor) act on it.
  useEffect(() => {
    const onChange = () => {
      const root = bodyRef.current;
      if (!root) return;
      const s = selectionIn(root);
      if (s) setSpan(s);
    };
    document.addEventListener('selectionchange', onChange);
    return () => document.removeEventListener('selectionchange', onChange);
  }, []);

  // A tag named in the URL is shown selected in the text.
  useEffect(() => {
    if (selected?.start != null && selected.end != null && bodyRef.current) {
      bodyRef.current.querySelector(`mark[data-tag="${selected.id}"]`)?.scrollIntoView({ block: 'center' });
    }
  }, [selected?.id]);

  const open = useCallback(
    (tagId: number) => {
      setTagging(null);
      navigate(`/documents/${doc.id}?tag=${tagId}`, true);
    },
    [doc.id],
  );
  const startTagging = (s: Span | null, prefill?: Partial<Prefill>) => {
    if (!s) {
      setMessage('Select the words to tag first (with the mouse, or Shift+arrow keys in the text).');
      return;
    }
    setMessage('');
    setTagging({ span: s, prefill: { ...prefillFromText(cps, s), ...prefill } });
  };
  const onKeyDown = useCallback(
    (ev: KeyboardEvent) => {
      if ((ev.key === 't' || ev.key === 'T') && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        const root = bodyRef.current;
        startTagging(root ? selectionIn(root) : null);
      }
    },
    [cps],
  );
  const done = (text: string) => {
    setMessage(text);
    setTagging(null);
    reload();
  };

  return (
    <article class="document">
      <header class="doc-head">
        <h1>{doc.title}</h1>
        <p class="muted">
          <OutletName id={doc.outletId} />
          {doc.publishedOn ? ` · ${doc.publishedOn}` : ''}
          {doc.byline ? ` · ${doc.byline}` : ''}
          {doc.url && (
            <>
              {' · '}
              <a href={doc.url} rel="noreferrer noopener">
                original
              </a>
            </>
          )}
        </p>
        <p class="legend">
          {STATUSES.map((s) => (
            <Badge kind={`status s-${s}`} key={s}>
              {tags.counts[s]} {s}
            </Badge>
          ))}{' '}
          <a href={`/audits/documents/${doc.id}`}>Audit this document</a>
        </p>
        {mayWrite && (
          <div class="buttons">
            <button type="button" onClick={() => startTagging(span)} aria-keyshortcuts="T">
              Tag selection (T)
            </button>
            <button type="button" class="secondary" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              {editing ? 'Stop editing' : 'Edit the text'}
            </button>
          </div>
        )}
        <p role="status" class="note">
          {message}
        </p>
      </header>
      <div class="doc-grid">
        <div class="doc-main">
          {editing ? (
            <BodyEditor doc={doc} onSaved={(changes) => done(summarise(changes))} onCancel={() => setEditing(false)} />
          ) : body ? (
            <ArticleBody
              cps={cps}
              tags={tags.items}
              selected={selectedId}
              editable={mayWrite}
              bodyRef={bodyRef}
              onKeyDown={onKeyDown}
              onOpen={open}
            />
          ) : (
            <p class="muted">This document has no text yet.</p>
          )}
        </div>
        <aside class="doc-side" aria-label="Tags and tagging">
          {tagging ? (
            <TagForm
              documentId={doc.id}
              span={tagging.span}
              prefill={tagging.prefill}
              onDone={(t) => {
                done(`Tagged “${t.exact.slice(0, 60)}” as said by ${label(t.speaker)}.`);
                open(t.id);
              }}
              onCancel={() => {
                setTagging(null);
                bodyRef.current?.focus();
              }}
            />
          ) : (
            selected && (
              <TagPanel
                tag={selected}
                span={span}
                onChanged={done}
                onClose={() => {
                  navigate(`/documents/${doc.id}`, true);
                  bodyRef.current?.focus();
                }}
              />
            )
          )}
          {mayWrite && body && !editing && (
            <Suggestions
              documentId={doc.id}
              body={body}
              tags={tags.items}
              onAccepted={done}
              onEdit={(s, prefill) => {
                if (bodyRef.current) selectSpan(bodyRef.current, s.start, s.end);
                startTagging(s, prefill);
              }}
            />
          )}
          <TagIndex tags={tags} selectedId={selectedId} onOpen={open} />
        </aside>
      </div>
    </article>
  );
}

function TagIndex({ tags, selectedId, onOpen }: { tags: TagList; selectedId: number | null; onOpen: (id: number) => void }) {
  if (tags.total === 0) return <p class="muted">No tags yet.</p>;
  return (
    <section class="tag-index" aria-labelledby="tag-index-title">
      <h2 id="tag-index-title">Tags ({tags.total})</h2>
      <ol>
        {tags.items.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              class={`tag-link s-${t.status}`}
              aria-current={t.id === selectedId ? 'true' : undefined}
              onClick={() => onOpen(t.id)}
            >
              <span class="sr-only">{t.status}: </span>
              <span class="dot" aria-hidden="true" />
              {label(t.speaker)}: “{t.exact.length > 70 ? `${t.exact.slice(0, 70)}…` : t.exact}”
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

function BodyEditor({ doc, onSaved, onCancel }: { doc: Document; onSaved: (changes: TagChange[]) => void; onCancel: () => void }) {
  const [text, setText] = useState(doc.body ?? '');
  const [error, setError] = useState<unknown>(null);
  const save = async (ev: Event) => {
    ev.preventDefault();
    try {
      const res = await api<Document>(`/v1/documents/${doc.id}`, { method: 'PATCH', body: { body: text } });
      onSaved(res.tags ?? []);
      onCancel();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={save} class="body-editor">
      <label for="body-text">Article text (saving re-anchors its tags)</label>
      <textarea id="body-text" rows={20} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {error !== null && <ErrorNote error={error} />}
      <div class="buttons">
        <button type="submit">Save text</button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
