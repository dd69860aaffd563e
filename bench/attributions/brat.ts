// Brat standoff (.ann) as PolNeAR writes it: `T` lines are labelled spans (`Cue 12 17`, discontinuous as
// `Content 10 20;25 40`, then a tab and the covered text, fragments joined by one space); `E` lines tie one
// attribution's roles together (`E1	Attribution:T4 Content:T3 Cue:T2 Source:T1`, `Content2` for a second
// content, `Attribution-no-source` when there is no source). Offsets are code points, end exclusive.

/** A half-open code-point range; `text` is optional because scoring only needs the offsets. */
export interface Range {
  start: number;
  end: number;
  text?: string;
}

/** What the metrics compare: one attribution's cue, source fragments and content fragments. */
export interface ScoredAttribution {
  cue: Range | null;
  cueFragments?: Range[];
  sources: Range[];
  contents: Range[];
}

export interface ParsedAnn {
  attributions: ScoredAttribution[];
  /** Every offset or text mismatch, so a corpus can be checked without scoring it. */
  problems: string[];
}

interface TLine {
  label: string;
  fragments: Range[];
  text: string;
  line: number;
}

/** Code-point view of a text (offsets in .ann files count code points, not UTF-16 units). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

export function sliceCodePoints(cps: readonly string[], start: number, end: number): string {
  return cps.slice(start, end).join('');
}

function parseT(id: string, rest: string, line: number, problems: string[]): TLine | null {
  const tab = rest.indexOf('\t');
  const head = tab < 0 ? rest : rest.slice(0, tab);
  const text = tab < 0 ? '' : rest.slice(tab + 1);
  const space = head.indexOf(' ');
  if (space < 0) {
    problems.push(`line ${line}: ${id} has no offsets`);
    return null;
  }
  const label = head.slice(0, space);
  const fragments: Range[] = [];
  for (const part of head.slice(space + 1).split(';')) {
    const m = /^(\d+) (\d+)$/.exec(part.trim());
    if (!m) {
      problems.push(`line ${line}: ${id} has malformed offsets "${part}"`);
      return null;
    }
    fragments.push({ start: Number(m[1]), end: Number(m[2]) });
  }
  return { label, fragments, text, line };
}

/** Parses one .ann against its text: every span is checked to lie inside the text and to cover the text it records. */
export function parseAnn(ann: string, text: string): ParsedAnn {
  const cps = codePoints(text);
  const problems: string[] = [];
  const spans = new Map<string, TLine>();
  const events: Array<{ roles: Array<[string, string]>; line: number }> = [];
  ann.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const tab = raw.indexOf('\t');
    const id = tab < 0 ? raw : raw.slice(0, tab);
    const rest = tab < 0 ? '' : raw.slice(tab + 1);
    if (id.startsWith('T')) {
      const t = parseT(id, rest, line, problems);
      if (t) spans.set(id, t);
    } else if (id.startsWith('E')) {
      const roles = rest
        .trim()
        .split(/\s+/)
        .map((r) => r.split(':') as [string, string]);
      events.push({ roles, line });
    }
    // `#` notes, `A` attributes and other line kinds carry nothing the metrics use.
  });

  for (const [id, t] of spans) {
    // Brat allows fragments out of order (PolNeAR has some); the metrics sort them.
    for (const f of t.fragments) {
      if (f.start < 0 || f.end > cps.length || f.start >= f.end) {
        problems.push(`line ${t.line}: ${id} ${t.label} ${f.start}-${f.end} lies outside the text (length ${cps.length}) or is empty`);
      }
      f.text = sliceCodePoints(cps, f.start, f.end);
    }
    const covered = t.fragments.map((f) => f.text ?? '').join(' ');
    if (t.text !== '' && covered !== t.text) {
      problems.push(`line ${t.line}: ${id} ${t.label} records ${JSON.stringify(t.text)} but the text there is ${JSON.stringify(covered)}`);
    }
  }

  const attributions: ScoredAttribution[] = [];
  for (const e of events) {
    const a: ScoredAttribution = { cue: null, sources: [], contents: [] };
    for (const [role, ref] of e.roles) {
      const t = spans.get(ref);
      if (!t) {
        problems.push(`line ${e.line}: ${role} refers to ${ref}, which is not defined`);
        continue;
      }
      if (role === 'Cue') {
        a.cueFragments = t.fragments;
        a.cue = { start: t.fragments[0].start, end: t.fragments[t.fragments.length - 1].end };
        a.cue.text = sliceCodePoints(cps, a.cue.start, a.cue.end);
      } else if (role === 'Source') a.sources.push(...t.fragments);
      else if (/^Content\d*$/.test(role)) a.contents.push(...t.fragments);
    }
    if (!a.cue && a.sources.length === 0 && a.contents.length === 0) continue; // an empty event annotates nothing
    a.sources.sort((x, y) => x.start - y.start);
    a.contents.sort((x, y) => x.start - y.start);
    attributions.push(a);
  }
  return { attributions, problems };
}

/** Writes attributions as .ann lines in PolNeAR's layout (a T per role plus the Attribution trigger, then the E line). */
export function writeAnn(text: string, attributions: ScoredAttribution[]): string {
  const cps = codePoints(text);
  const lines: string[] = [];
  let t = 0;
  let e = 0;
  const span = (label: string, fragments: Range[]) => {
    const id = `T${++t}`;
    const offsets = fragments.map((f) => `${f.start} ${f.end}`).join(';');
    const covered = fragments.map((f) => sliceCodePoints(cps, f.start, f.end)).join(' ');
    lines.push(`${id}\t${label} ${offsets}\t${covered}`);
    return id;
  };
  for (const a of attributions) {
    const cue = a.cueFragments ?? (a.cue ? [a.cue] : []);
    if (cue.length === 0) throw new Error('writeAnn: every attribution written needs a cue');
    const kind = a.sources.length ? 'Attribution' : 'Attribution-no-source';
    const trigger = span(kind, cue);
    const roles: string[] = [];
    if (a.sources.length) roles.push(`Source:${span('Source', a.sources)}`);
    roles.push(`Cue:${span('Cue', cue)}`);
    if (a.contents.length) roles.push(`Content:${span('Content', a.contents)}`);
    lines.push(`E${++e}\t${kind}:${trigger} ${roles.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
