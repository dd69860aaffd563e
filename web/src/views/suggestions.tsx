import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Attribution, AttributionExtraction, Hedge, Tag } from '../types.js';
import { ErrorNote, words } from '../ui.js';
import { allActors, type Prefill, type Span } from './tag-form.js';

interface Props {
  documentId: number;
  body: string;
  tags: Tag[];
  onAccepted: (message: string) => void;
  onEdit: (span: Span, prefill: Partial<Prefill>) => void;
}

interface Suggestion {
  key: string;
  a: Attribution;
  span: Span;
}

const QUOTES = /^[“"‘«]|[”"’»]$/u;

/**
 * The span a suggestion would tag: from its first words said to its last (a quote broken by its cue is
 * one span), without the quote marks around it.
 */
function spanOf(a: Attribution, cps: string[]): Span | null {
  if (a.contents.length === 0) return null;
  let start = a.contents[0].start;
  let end = a.contents[a.contents.length - 1].end;
  while (end - start > 1 && QUOTES.test(cps[start])) start++;
  while (end - start > 1 && QUOTES.test(cps[end - 1])) end--;
  const exact = cps.slice(start, end).join('');
  return exact.trim() ? { start, end, exact } : null;
}

const hedgeOf = (a: Attribution): Hedge => (a.hedge === null || a.hedge === 'denied' ? 'said' : a.hedge);
const who = (a: Attribution) => a.speaker.name ?? a.speaker.description ?? 'unknown speaker';

/** What the tag form would be prefilled with for this suggestion. */
function prefillOf(a: Attribution): Partial<Prefill> {
  return {
    textForm: a.textForm === 'quote' ? 'quote' : 'paraphrase',
    cue: a.cue?.text ?? '',
    hedge: hedgeOf(a),
    mode: a.textForm === 'quote' ? 'verbatim' : 'paraphrase',
    kind: a.hedge === 'denied' ? 'denial' : 'assertion',
  };
}

/** Tags one suggestion as the engine read it: a speaker on record with that name, or a new one as described. */
async function accept(documentId: number, s: Suggestion): Promise<Tag> {
  const a = s.a;
  const named = a.speaker.identityStatus === 'named' && a.speaker.name;
  const onRecord = named ? (await allActors()).find((x) => x.name?.toLowerCase() === a.speaker.name?.toLowerCase()) : undefined;
  const speaker = onRecord
    ? { speakerId: onRecord.id }
    : {
        speaker: named
          ? { kind: 'person', identityStatus: 'named', name: a.speaker.name }
          : { kind: 'person', identityStatus: a.speaker.identityStatus, description: a.speaker.description ?? 'an unnamed source' },
      };
  const p = prefillOf(a);
  return api<Tag>(`/v1/documents/${documentId}/tags`, {
    method: 'POST',
    body: {
      selector: { start: s.span.start, end: s.span.end, exact: s.span.exact },
      statement: { textForm: p.textForm, kind: p.kind, ...speaker },
      hop: { cue: p.cue ? p.cue : null, hedge: p.hedge, mode: p.mode, ...(a.via.length > 0 ? { firstHand: false } : {}) },
    },
  });
}

/**
 * The attribution engine's reading of this article, less what is tagged already: accept each as read,
 * edit it in the tag form, or reject it (for this visit); accept them all at once.
 */
export function Suggestions({ documentId, body, tags, onAccepted, onEdit }: Props) {
  const [list, setList] = useState<Suggestion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<Set<string>>(new Set());
  useEffect(() => {
    let live = true;
    api<AttributionExtraction>('/v1/attributions/extract', { method: 'POST', body: { text: body } }).then(
      (r) => {
        if (!live) return;
        const cps = Array.from(body);
        // One suggestion per span: the engine may read one quote under two cues; keep the surer reading.
        const bySpan = new Map<string, Suggestion>();
        for (const a of r.attributions) {
          const span = spanOf(a, cps);
          if (!span) continue;
          const key = `${span.start}-${span.end}`;
          const seen = bySpan.get(key);
          if (!seen || seen.a.confidence < a.confidence) bySpan.set(key, { key, a, span });
        }
        const out = [...bySpan.values()].sort((x, y) => x.span.start - y.span.start);
        setList(out);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [body]);
  const placed = tags.filter((t) => t.start !== null && t.end !== null);
  const open = (list ?? []).filter((s) => !rejected.has(s.key) && !placed.some((t) => t.start! < s.span.end && s.span.start < t.end!));
  const run = async (items: Suggestion[]) => {
    setBusy(true);
    setError(null);
    let n = 0;
    try {
      for (const s of items) {
        await accept(documentId, s);
        n++;
      }
      onAccepted(n === 1 ? `Suggestion accepted: “${items[0].span.exact.slice(0, 60)}”.` : `${n} suggestions accepted.`);
    } catch (e) {
      setError(e);
      if (n > 0) onAccepted(`${n} suggestions accepted before one was refused.`);
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
        <button type="button" disabled={busy} onClick={() => void run(open)}>
          Accept all {open.length}
        </button>
      )}
      <ol>
        {open.map((s) => (
          <li key={s.key} class="suggestion">
            <p>
              <q>{s.span.exact.length > 140 ? `${s.span.exact.slice(0, 140)}…` : s.span.exact}</q>
            </p>
            <p class="muted">
              {who(s.a)} ({s.a.speaker.identityStatus}) · {s.a.textForm}
              {s.a.cue ? ` · “${s.a.cue.text}”` : ''}
              {s.a.hedge ? ` · ${words(s.a.hedge)}` : ''}
              {s.a.via.length > 0 ? ` · via ${s.a.via.map((h) => h.name).join(' → ')}` : ''} ·{' '}
              <span class="confidence">confidence {Math.round(s.a.confidence * 100)}%</span>
            </p>
            <div class="buttons">
              <button type="button" disabled={busy} onClick={() => void run([s])} aria-label={`Accept: ${s.span.exact.slice(0, 60)}`}>
                Accept
              </button>
              <button type="button" class="secondary" disabled={busy} onClick={() => onEdit(s.span, prefillOf(s.a))}>
                Edit
              </button>
              <button type="button" class="secondary" disabled={busy} onClick={() => setRejected(new Set([...rejected, s.key]))}>
                Reject
              </button>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
