import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Actor, ActorList, Hedge, RelayMode, Tag } from '../types.js';
import { ErrorNote, label } from '../ui.js';
import { HEDGES, RELAY_MODES, STATEMENT_KINDS } from '../enums.js';

export interface Span {
  start: number;
  end: number;
  exact: string;
}

export interface Prefill {
  textForm: 'quote' | 'paraphrase';
  cue: string;
  hedge: Hedge;
  mode: RelayMode;
  kind?: string;
  speakerId?: number;
}

const VERB_HEDGE: Record<string, Hedge> = {
  said: 'said',
  says: 'said',
  told: 'said',
  added: 'said',
  stated: 'said',
  wrote: 'said',
  confirmed: 'said',
  denied: 'said',
  claimed: 'claimed',
  claims: 'claimed',
  alleged: 'alleged',
  alleges: 'alleged',
  reported: 'reported',
  according: 'reported',
};

const OPEN_QUOTE = /[“"‘«]\s*$/;
const CLOSE_QUOTE = /^\s*[”"’»]/;

/**
 * Reads the text around a selection for what a journalist would type: a quote when quote marks surround
 * it, and the attribution cue ("a second source said", "according to Reuters") from the rest of its
 * sentence, with the hedge its verb implies.
 */
export function prefillFromText(cps: string[], span: Span): Prefill {
  const before = cps.slice(Math.max(0, span.start - 200), span.start).join('');
  const after = cps.slice(span.end, span.end + 200).join('');
  const quoted = OPEN_QUOTE.test(before) || CLOSE_QUOTE.test(after) || /^[“"‘]/.test(span.exact);
  const afterSentence = after.replace(CLOSE_QUOTE, '').split(/(?<=[.!?])\s|\n/)[0] ?? '';
  const beforeSentence =
    before
      .replace(OPEN_QUOTE, '')
      .split(/[.!?]\s|\n/)
      .pop() ?? '';
  const after1 = afterSentence.replace(/^[\s,;:–—-]+/, '').replace(/[.!?]+$/, '');
  const before1 = beforeSentence.replace(/[\s,:;–—-]+$/, '');
  // "…, he said: “…”": a cue right before the span speaks for it; otherwise the words after it do.
  const leadsIn = /\b(said|says|told|added|stated|wrote|confirmed|denied|claimed|alleged|reported)\s*[:,]?\s*$/i.test(beforeSentence);
  const candidates = leadsIn ? [before1, after1] : [after1, before1];
  let cue = '';
  let hedge: Hedge = 'said';
  for (const c of candidates) {
    const m = /\b(said|says|told|added|stated|wrote|confirmed|denied|claimed|claims|alleged|alleges|reported|according)\b/i.exec(c);
    if (m && c.length <= 120) {
      cue = c.trim();
      hedge = VERB_HEDGE[m[1].toLowerCase()] ?? 'said';
      break;
    }
  }
  return { textForm: quoted ? 'quote' : 'paraphrase', cue, hedge, mode: quoted ? 'verbatim' : 'paraphrase' };
}

let actorsLoad: Promise<Actor[]> | null = null;
/** Every actor, for the speaker type-ahead (loaded once per page). */
export function allActors(): Promise<Actor[]> {
  actorsLoad ??= (async () => {
    const out: Actor[] = [];
    let cursor: string | null = null;
    do {
      const page: ActorList = await api<ActorList>(`/v1/actors?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && out.length < 5000);
    return out;
  })();
  actorsLoad.catch(() => {
    actorsLoad = null;
  });
  return actorsLoad;
}

const optionLabel = (a: Actor) => `${label(a)}${a.affiliation ? ` — ${a.affiliation}` : ''} (#${a.id})`;

interface Props {
  documentId: number;
  span: Span;
  prefill: Prefill;
  onDone: (tag: Tag) => void;
  onCancel: () => void;
}

/** Tags the selected span: who said it (someone on record, or a new anonymous source) and the hop this page is. */
export function TagForm({ documentId, span, prefill, onDone, onCancel }: Props) {
  const [actors, setActors] = useState<Actor[]>([]);
  const [who, setWho] = useState<'existing' | 'anonymous'>('existing');
  const [speakerText, setSpeakerText] = useState('');
  const [anon, setAnon] = useState({ description: '', affiliation: '', anonymityReason: '' });
  const [statement, setStatement] = useState({ textForm: prefill.textForm, kind: prefill.kind ?? 'assertion' });
  const [hop, setHop] = useState({ cue: prefill.cue, hedge: prefill.hedge, mode: prefill.mode });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    allActors().then((list) => {
      setActors(list.filter((a) => a.kind !== 'outlet'));
      if (prefill.speakerId) {
        const a = list.find((x) => x.id === prefill.speakerId);
        if (a) setSpeakerText(optionLabel(a));
      }
    }, setError);
    first.current?.focus();
  }, [prefill.speakerId]);
  const chosen = actors.find((a) => optionLabel(a) === speakerText) ?? null;
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    if (who === 'existing' && !chosen) {
      setError(new Error('Choose a speaker from the list (type a few letters of the name), or describe a new anonymous source.'));
      return;
    }
    setBusy(true);
    try {
      const speaker =
        who === 'existing'
          ? { speakerId: chosen!.id }
          : {
              speaker: {
                kind: 'person',
                identityStatus: 'anonymous',
                description: anon.description,
                ...(anon.affiliation ? { affiliation: anon.affiliation } : {}),
                ...(anon.anonymityReason ? { anonymityReason: anon.anonymityReason } : {}),
              },
            };
      const tag = await api<Tag>(`/v1/documents/${documentId}/tags`, {
        method: 'POST',
        body: {
          selector: { start: span.start, end: span.end, exact: span.exact },
          statement: { textForm: statement.textForm, kind: statement.kind, ...speaker },
          hop: { cue: hop.cue.trim() === '' ? null : hop.cue.trim(), hedge: hop.hedge, mode: hop.mode },
        },
      });
      onDone(tag);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel tag-form" onSubmit={submit} aria-labelledby="tag-form-title" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <h2 id="tag-form-title">Tag this quote</h2>
      <blockquote class="selected-text">{span.exact}</blockquote>
      <fieldset>
        <legend>Who said it</legend>
        <label class="check">
          <input type="radio" name="who" checked={who === 'existing'} onChange={() => setWho('existing')} ref={first} /> Someone on record
        </label>
        <label class="check">
          <input type="radio" name="who" checked={who === 'anonymous'} onChange={() => setWho('anonymous')} /> A new anonymous source
        </label>
        {who === 'existing' ? (
          <>
            <label for="speaker">Speaker (type to search)</label>
            <input
              id="speaker"
              list="speaker-options"
              autocomplete="off"
              value={speakerText}
              onInput={(e) => setSpeakerText(e.currentTarget.value)}
              aria-describedby="speaker-hint"
            />
            <datalist id="speaker-options">
              {actors.map((a) => (
                <option key={a.id} value={optionLabel(a)} />
              ))}
            </datalist>
            <p id="speaker-hint" class="muted">
              {chosen ? `Chosen: ${label(chosen)} (${chosen.identityStatus})` : `${actors.length} people and bodies on record`}
            </p>
          </>
        ) : (
          <>
            <label for="anon-description">How the story describes them</label>
            <input
              id="anon-description"
              required
              maxLength={500}
              placeholder="a senior security official"
              value={anon.description}
              onInput={(e) => setAnon({ ...anon, description: e.currentTarget.value })}
            />
            <label for="anon-affiliation">Affiliation</label>
            <input
              id="anon-affiliation"
              maxLength={500}
              placeholder="Ministry of the Interior"
              value={anon.affiliation}
              onInput={(e) => setAnon({ ...anon, affiliation: e.currentTarget.value })}
            />
            <label for="anon-reason">Why anonymity was granted</label>
            <input
              id="anon-reason"
              maxLength={500}
              placeholder="not authorised to speak publicly"
              value={anon.anonymityReason}
              onInput={(e) => setAnon({ ...anon, anonymityReason: e.currentTarget.value })}
            />
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>The statement</legend>
        <label for="text-form">Form</label>
        <select
          id="text-form"
          value={statement.textForm}
          onChange={(e) => setStatement({ ...statement, textForm: e.currentTarget.value as Prefill['textForm'] })}
        >
          <option value="quote">quote (their words)</option>
          <option value="paraphrase">paraphrase</option>
        </select>
        <label for="statement-kind">Kind</label>
        <select id="statement-kind" value={statement.kind} onChange={(e) => setStatement({ ...statement, kind: e.currentTarget.value })}>
          {STATEMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {k.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </fieldset>
      <fieldset>
        <legend>This page's hop</legend>
        <label for="hop-cue">Cue (the words that attribute it)</label>
        <input id="hop-cue" maxLength={500} value={hop.cue} onInput={(e) => setHop({ ...hop, cue: e.currentTarget.value })} />
        <label for="hop-hedge">Hedge</label>
        <select id="hop-hedge" value={hop.hedge} onChange={(e) => setHop({ ...hop, hedge: e.currentTarget.value as Hedge })}>
          {HEDGES.map((h) => (
            <option key={h} value={h}>
              {h.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <label for="hop-mode">Mode</label>
        <select id="hop-mode" value={hop.mode} onChange={(e) => setHop({ ...hop, mode: e.currentTarget.value as RelayMode })}>
          {RELAY_MODES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </fieldset>
      {error !== null && <ErrorNote error={error} />}
      <div class="buttons">
        <button type="submit" disabled={busy}>
          Save tag
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
