import type { Ref } from 'preact';
import { memo } from 'preact/compat';
import type { Tag } from '../types.js';

interface Segment {
  start: number;
  end: number;
  tags: Tag[];
}

/** Cuts the body at every tag boundary; each piece knows the tags covering it (tags may nest or overlap). */
export function segments(length: number, tags: Tag[]): Segment[] {
  const placed = tags.filter((t) => t.start !== null && t.end !== null && t.end > t.start);
  const cuts = new Set<number>([0, length]);
  for (const t of placed) {
    cuts.add(Math.min(t.start!, length));
    cuts.add(Math.min(t.end!, length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = [...placed].sort((a, b) => a.start! - b.start!);
  const active: Tag[] = [];
  let next = 0;
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    while (next < byStart.length && byStart[next].start! <= a) active.push(byStart[next++]);
    for (let j = active.length - 1; j >= 0; j--) if (active[j].end! <= a) active.splice(j, 1);
    out.push({ start: a, end: b, tags: active.slice() });
  }
  return out;
}

interface Props {
  cps: string[];
  tags: Tag[];
  selected: number | null;
  editable: boolean;
  bodyRef: Ref<HTMLDivElement>;
  onKeyDown: (ev: KeyboardEvent) => void;
  onOpen: (tagId: number) => void;
}

/**
 * The article text with its tags as <mark>s, coloured by status. Only text nodes: offsets into it are
 * offsets into the body. For journalists it takes a caret (contenteditable, every edit refused), so text
 * can be selected from the keyboard and tagged with a shortcut.
 */
export const ArticleBody = memo(function ArticleBody({ cps, tags, selected, editable, bodyRef, onKeyDown, onOpen }: Props) {
  const parts = segments(cps.length, tags).map((s) => {
    const text = cps.slice(s.start, s.end).join('');
    if (s.tags.length === 0) return text;
    // The innermost (last started) tag speaks for the piece.
    const t = s.tags[s.tags.length - 1];
    const cls = `tag s-${t.status}${s.tags.some((x) => x.id === selected) ? ' selected' : ''}${s.tags.length > 1 ? ' nested' : ''}`;
    return (
      <mark key={s.start} class={cls} data-tag={t.id} title={`${t.speaker.name ?? t.speaker.description ?? ''} (${t.status})`}>
        {text}
      </mark>
    );
  });
  const refuse = (ev: Event) => ev.preventDefault();
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a textbox (role set below) for journalists, who select with a caret; for everyone the tag list offers the same marks as buttons
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: aria-readonly is set only with role textbox
    <div
      id="article-body"
      class="article-body"
      ref={bodyRef}
      contentEditable={editable}
      role={editable ? 'textbox' : undefined}
      aria-readonly={editable ? 'true' : undefined}
      aria-multiline={editable ? 'true' : undefined}
      aria-label={editable ? 'Article text: select words (Shift+arrows), then press T to tag them' : 'Article text'}
      spellcheck={false}
      onBeforeInput={refuse}
      onPaste={refuse}
      onDrop={refuse}
      onCut={refuse}
      onKeyDown={onKeyDown}
      onClick={(ev) => {
        const mark = (ev.target as HTMLElement).closest('mark[data-tag]');
        const sel = window.getSelection();
        if (mark && (!sel || sel.isCollapsed)) onOpen(Number(mark.getAttribute('data-tag')));
      }}
    >
      {parts}
    </div>
  );
});
