import { ANONYMITY_MARKERS, ANONYMOUS_HEADS, isKnownOutlet, NUMBER_WORDS, PERSONAL_PRONOUNS } from './lexicon.js';
import type { Parsed, Token } from './nlp.js';
import type { TokenRange } from './phrases.js';
import type { Speaker, ViaHop } from './types.js';

/** A speaker as the engine knows it while reading: what the API shows plus what later mentions resolve against. */
export interface Mention {
  speaker: Speaker;
  /** Lower-case head noun ("source", "official", "peskov"). */
  head: string;
  plural: boolean;
  outlet: boolean;
  sentence: number;
  via: ViaHop[];
}

export interface Resolved {
  speaker: Speaker;
  /** The earlier mention this one refers back to, when it is a pronoun or a definite description. */
  antecedent: Mention | null;
  head: string;
  plural: boolean;
  outlet: boolean;
  anaphoric: boolean;
}

const DETERMINERS = /^(a|an|the|this|that|these|those|some|another)$/i;

function words(p: Parsed, r: TokenRange): Token[] {
  return p.tokens.slice(r.first, r.last);
}

function textOf(p: Parsed, from: Token, to: Token): string {
  return p.text.slice(from.start, to.end);
}

function lowerFirst(s: string): string {
  return /^(A|An|The|One|Some|Several|Two|Three|Four|Five|Many|Another)\b/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

/** The main noun phrase of a source (before its first comma) and its appositive, if any. */
function split(tokens: Token[]): { main: Token[]; appositive: Token[] } {
  const comma = tokens.findIndex((t) => t.text === ',');
  if (comma < 0) return { main: tokens, appositive: [] };
  const rest = tokens.slice(comma + 1).filter((t) => t.text !== ',');
  return { main: tokens.slice(0, comma), appositive: /^(who|which|whose|whom|speaking|citing)$/.test(rest[0]?.lower ?? '') ? [] : rest };
}

function headOf(main: Token[]): { head: Token | undefined; index: number } {
  // "one of the terrorists": the head is what comes before "of".
  const of = main.findIndex((t) => t.lower === 'of');
  const part = of > 0 ? main.slice(0, of) : main;
  for (let k = part.length - 1; k >= 0; k--) {
    const t = part[k];
    if (t.text === ']' || t.text === ')') {
      while (k > 0 && part[k].text !== '[' && part[k].text !== '(') k--;
      continue;
    }
    if (t.pos === 'NOUN' || t.pos === 'PROPN' || t.pos === 'PRON' || t.pos === 'NUM' || t.lower === 'one') return { head: t, index: k };
  }
  return { head: undefined, index: -1 };
}

/** The longest proper-noun run containing token index k of `main`. */
function nameRun(main: Token[], k: number): Token[] {
  let a = k;
  let b = k;
  const joins = (t: Token): boolean => t.pos === 'PROPN' || t.text === '.' || t.text === '-';
  while (a > 0 && joins(main[a - 1]) && main[a - 1].pos === 'PROPN') a--;
  while (b + 1 < main.length && joins(main[b + 1]) && (main[b + 1].pos === 'PROPN' || main[b + 2]?.pos === 'PROPN')) b++;
  return main.slice(a, b + 1);
}

/** Resolves a source phrase to a speaker, reading back through the earlier mentions for pronouns and definite descriptions. */
export function resolveSpeaker(p: Parsed, range: TokenRange, history: Mention[]): Resolved {
  const all = words(p, range);
  const whole = textOf(p, all[0], all[all.length - 1]);
  const { main, appositive } = split(all);
  const { head, index } = headOf(main);
  const mainText = main.length ? textOf(p, main[0], main[main.length - 1]) : whole;
  // Mentions of the last eight sentences, read from the newest back: long texts have thousands.
  const recent: Mention[] = [];
  for (let k = history.length - 1; k >= 0 && history[k].sentence >= all[0].sentence - 8; k--) recent.unshift(history[k]);

  if (main.length === 1 && PERSONAL_PRONOUNS.has(main[0].lower)) {
    const pronoun = main[0].lower;
    const plural = pronoun === 'they' || pronoun === 'we';
    const antecedent =
      [...recent].reverse().find((m) => (plural ? m.plural || m.speaker.identityStatus === 'named' : !m.plural && !m.outlet)) ?? null;
    if (antecedent)
      return {
        speaker: antecedent.speaker,
        antecedent,
        head: antecedent.head,
        plural: antecedent.plural,
        outlet: antecedent.outlet,
        anaphoric: true,
      };
    return {
      speaker: { identityStatus: 'unidentified', description: main[0].text },
      antecedent: null,
      head: pronoun,
      plural,
      outlet: false,
      anaphoric: true,
    };
  }

  const first = main[0]?.lower ?? '';
  // "One", "one of them": one member of an earlier group of sources.
  if (first === 'one' && (main.length === 1 || /^one of (them|those|these)$/i.test(mainText))) {
    const group = [...recent].reverse().find((m) => m.plural);
    if (group) {
      const description = `one of ${group.speaker.description ?? group.speaker.name ?? 'them'}`;
      const status = group.speaker.identityStatus === 'named' ? 'unidentified' : group.speaker.identityStatus;
      return {
        speaker: { identityStatus: status, description },
        antecedent: group,
        head: group.head,
        plural: false,
        outlet: false,
        anaphoric: true,
      };
    }
  }

  if (!head)
    return {
      speaker: { identityStatus: 'unidentified', description: lowerFirst(whole) },
      antecedent: null,
      head: '',
      plural: false,
      outlet: false,
      anaphoric: false,
    };
  const headWord = head.lower;
  const plural = head.pos === 'NOUN' && /s$/.test(headWord) && !/ss$/.test(headWord);

  // "the source", "the official": the latest speaker with that head noun.
  if (/^(the|this|that)$/.test(first) && head.pos === 'NOUN' && main.every((t) => t.pos !== 'PROPN')) {
    const antecedent =
      [...recent].reverse().find((m) => m.head === headWord || m.head === `${headWord}s` || `${m.head}s` === headWord) ?? null;
    if (antecedent)
      return {
        speaker: antecedent.speaker,
        antecedent,
        head: antecedent.head,
        plural: antecedent.plural,
        outlet: antecedent.outlet,
        anaphoric: true,
      };
  }

  // "Vladimir Putin and his top security advisers": the named first conjunct speaks for the group.
  const and = main.findIndex((t) => t.lower === 'and');
  if (and > 0 && head.pos !== 'PROPN') {
    const conjunct = main.slice(0, and);
    const h = headOf(conjunct);
    if (h.head?.pos === 'PROPN') {
      const run = nameRun(conjunct, h.index);
      const name = textOf(p, run[0], run[run.length - 1]);
      return {
        speaker: { identityStatus: 'named', name, description: lowerFirst(mainText) },
        antecedent: null,
        head: h.head.lower,
        plural: true,
        outlet: false,
        anaphoric: false,
      };
    }
  }

  if (head.pos === 'PROPN') {
    const run = nameRun(main, index);
    const name = textOf(p, run[0], run[run.length - 1]).replace(/^the /i, '');
    const rest = main.filter((t) => !run.includes(t) && !DETERMINERS.test(t.text) && t.text !== ',');
    const descriptionParts = [
      rest.length ? textOf(p, rest[0], rest[rest.length - 1]) : '',
      appositive.length ? textOf(p, appositive[0], appositive[appositive.length - 1]) : '',
    ];
    const description = descriptionParts.filter((d) => d && d !== name).join(', ');
    const speaker: Speaker = { identityStatus: 'named', name, ...(description ? { description: lowerFirst(description) } : {}) };
    return { speaker, antecedent: null, head: headWord, plural: false, outlet: isKnownOutlet(name), anaphoric: false };
  }

  // "a Reuters report", "the Associated Press": an outlet named inside a common-noun phrase.
  const outletRun = main.filter((t) => t.pos === 'PROPN');
  if (
    outletRun.length &&
    /^(report|reports|story|article|investigation|analysis|poll|survey|interview|broadcast|statement|video)$/.test(headWord)
  ) {
    const name = textOf(p, outletRun[0], outletRun[outletRun.length - 1]);
    return {
      speaker: { identityStatus: 'named', name },
      antecedent: null,
      head: name.toLowerCase(),
      plural: false,
      outlet: isKnownOutlet(name),
      anaphoric: false,
    };
  }

  const anonymous =
    ANONYMITY_MARKERS.test(whole) ||
    (ANONYMOUS_HEADS.has(headWord) &&
      main.every(
        (t) =>
          t.pos !== 'PROPN' || /^(Kremlin|White|House|Pentagon|US|U.S.|Russian|Iranian|American|British|State|Department)$/.test(t.text),
      )) ||
    (headWord === 'one' && main.some((t) => ANONYMOUS_HEADS.has(t.lower) && t !== head));
  const description = lowerFirst(appositive.length && anonymous ? textOf(p, appositive[0], appositive[appositive.length - 1]) : mainText);
  const group = plural || NUMBER_WORDS.test(first);
  return {
    speaker: { identityStatus: anonymous ? 'anonymous' : 'unidentified', description },
    antecedent: null,
    head: headWord,
    plural: group,
    outlet: false,
    anaphoric: false,
  };
}
