import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { AttributionSuggestion, AttributionSuggestions, SuggestionAcceptResult, Tag } from '../types.js';
import { ErrorNote, words } from '../ui.js';
import type { Prefill, Span } from './tag-form.js';

interface Props {
  documentId: number;
  body: string;
  tags: Tag[];
  onAccepted: (message: string) => void;
  onEdit: (span: Span, prefill: Partial<Prefill>) => void;
}

/** The hop this document is, as the suggestion proposes it (the last one, relayed by its outlet). */
const ownHop = (s: AttributionSuggestion) => s.hops.find((h) => h.inThisDocument) ?? s.hops[s.hops.length - 1];

const speakerLabel = (s: AttributionSuggestion) => {
  const m = s.speaker.match;
  if (m && m.score >= 0.75) return `${m.name ?? m.description ?? `actor ${m.id}`} (on record)`;
  const p = s.speaker.proposed;
  return `${p.name ?? p.description ?? 'unknown speaker'} (new, ${p.identityStatus})`;
};

/** What the tag form is prefilled with when a suggestion is edited before it is saved. */
function prefillOf(s: AttributionSuggestion): Partial<Prefill> {
  const hop = ownHop(s);
  const m = s.speaker.match;
  return {
    textForm: s.statement.proposed.textForm,
    kind: s.statement.proposed.kind,
    cue: hop?.cue ?? '',
    ...(hop ? { hedge: hop.hedge, mode: hop.mode } : {}),
    ...(m && m.score >= 0.75 ? { speakerId: m.id } : {}),
  };
}

/**
 * The extraction engine's suggestions for this document (POST /v1/documents/{id}/suggestions), less what
 * is tagged already: accept each as proposed, edit it in the tag form, reject it (for this visit), or
 * accept them all; accepting writes through the suggestions' own accept route, in one transaction.
 */
export function Suggestions({ documentId, body, tags, onAccepted, onEdit }: Props) {
  const [list, setList] = useState<AttributionSuggestion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<Set<string>>(new Set());
  // Asked again whenever the text or its tags change (ids are stable while the body is).
  const tagKey = tags.map((t) => `${t.id}:${t.start}`).join(',');
  useEffect(() => {
    let live = true;
    api<AttributionSuggestions>(`/v1/documents/${documentId}/suggestions`, { method: 'POST' }).then(
      (r) => live && setList(r.suggestions),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [documentId, body, tagKey]);
  const placed = tags.filter((t) => t.start !== null && t.end !== null);
  const covered = (s: AttributionSuggestion) =>
    s.status === 'tagged' ||
    s.tag.existingTagId !== null ||
    placed.some((t) => t.start! < s.tag.selector.end && s.tag.selector.start < t.end!);
  const open = (list ?? []).filter((s) => !covered(s) && !rejected.has(s.id));
  const accept = async (items: AttributionSuggestion[]) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<SuggestionAcceptResult>(`/v1/documents/${documentId}/suggestions/accept`, {
        method: 'POST',
        body: { accept: items.map((s) => ({ id: s.id })) },
      });
      const n = r.accepted.length;
      onAccepted(
        (n === 1 ? `Suggestion accepted: “${items[0].tag.selector.exact.slice(0, 60)}”.` : `${n} suggestions accepted.`) +
          (r.skipped.length ? ` ${r.skipped.length} skipped: ${r.skipped.map((x) => x.reason).join('; ')}` : ''),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">Suggestions{list ? ` (${open.length})` : ''}</h2>
      {error !== null && <ErrorNote error={error} />}
      {list === null && error === null && <p class="muted">Reading the text…</p>}
      {list !== null && open.length === 0 && <p class="muted">Nothing untagged that the engine recognises.</p>}
      {open.length > 1 && (
        <button type="button" disabled={busy} onClick={() => void accept(open)}>
          Accept all {open.length}
        </button>
      )}
      <ol>
        {open.map((s) => {
          const hop = ownHop(s);
          const exact = s.tag.selector.exact;
          return (
            <li key={s.id} class="suggestion">
              <p>
                <q>{exact.length > 140 ? `${exact.slice(0, 140)}…` : exact}</q>
              </p>
              <p class="muted">
                {speakerLabel(s)} · {s.statement.proposed.textForm}, {words(s.statement.proposed.kind)}
                {hop?.cue ? ` · “${hop.cue}”` : ''}
                {hop ? ` · ${words(hop.hedge)}` : ''}
                {s.hops.length > 1
                  ? ` · via ${s.hops
                      .slice(0, -1)
                      .map((h) => h.relayedBy.proposed.name ?? h.relayedBy.proposed.description)
                      .join(' → ')}`
                  : ''}
                {s.status === 'matches' ? ' · matches records' : ''} ·{' '}
                <span class="confidence">confidence {Math.round(s.confidence * 100)}%</span>
              </p>
              <div class="buttons">
                <button type="button" disabled={busy} onClick={() => void accept([s])} aria-label={`Accept: ${exact.slice(0, 60)}`}>
                  Accept
                </button>
                <button type="button" class="secondary" disabled={busy} onClick={() => onEdit(s.tag.selector, prefillOf(s))}>
                  Edit
                </button>
                <button type="button" class="secondary" disabled={busy} onClick={() => setRejected(new Set([...rejected, s.id]))}>
                  Reject
                </button>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
