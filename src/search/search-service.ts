import type { SearchHit, SearchQuery, SearchResults } from '../generated/schema-types.js';
import { parseStored } from '../shared/stored-json.js';
import { validationFailed } from '../http/problem.js';
import type { ProvenanceService } from '../provenance/provenance-service.js';
import { rangeOf } from '../shared/partial-date.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { parseAdvanced, QuerySyntaxError } from './advanced-query.js';
import {
  dropBracketed,
  highlight,
  isStopword,
  MATCH_CLASSES,
  matchClass,
  normaliseText,
  prepareQuery,
  similarity,
  stemmed,
  wordTokens,
  type MatchClass,
  type PreparedQuery,
} from './normalise.js';
import { allOf, anyOf, group, phrase as exactly, type SearchExpr, toFts5, word } from './search-expression.js';
import { KeptLists } from './kept-lists.js';
import type { Hit, SearchFilter, SearchIndex, SearchRepository } from './search-repository.js';
import { decodeToken, encodeToken } from '../http/cursor.js';

type Strategy = SearchResults['query']['strategy'];
type Mode = NonNullable<SearchQuery['mode']>;

export interface SearchOptions {
  /**
   * Scores computed per search, at most: when more statements match, only the newest (this / number of
   * terms) are ranked by bm25 and the rest follow newest first. 0 ranks every match.
   * This bounds the per-match part of ranking a very common word. bm25 also reads each term's whole list
   * once per query for its document frequency, so a query of common stop words only is not ranked by
   * bm25 at all (the newest 20 matches are ranked by closeness), and neither is a multi-word search
   * with no more matches than `closenessLimit`.
   */
  scoreBudget?: number;
  /** How many of the best bm25 candidates are re-ranked by closeness to the pasted words. */
  pool?: number;
  /**
   * A multi-word search with no more matches than this is ranked by closeness alone, every match of it:
   * bm25 would first read the whole list of each word of the query, stop words of a phrase included,
   * which costs more than reading and comparing this many statements (measured at 1M statements:
   * bench/search.bench.ts). At least `pool`.
   */
  closenessLimit?: number;
  /** Probes of word frequency stop counting here: a word seen this often is "common". */
  probeCap?: number;
}

interface Plan {
  strategy: Strategy;
  index: SearchIndex;
  /** The expression bm25 ranks by (it may add an exact phrase that only changes the order). */
  match: SearchExpr;
  /** The expression that decides which statements match, and nothing else. */
  members: SearchExpr;
  /** Whether a statement matches with any one of `terms` (else it needs all of them). */
  any: boolean;
  terms: string[];
  phrases: number;
  rerank: boolean;
  mark: { stems?: Set<string>; prefixes?: string[]; fragments?: string[] };
  /** The statements holding each rare word, as this search's probes found them (ascending ids). */
  lists?: Map<string, number[]>;
  /** A long paste's candidates and matches, when its uncounted words were judged from their text. */
  held?: Held;
}

/** The statements a long paste was judged against, its words left uncounted where they all hold them (see plans()). */
interface Held {
  /** The statements holding the rare words known before (no more than HELD_ROWS). */
  rows: StatementRow[];
  /** Those of `rows` that also hold the rare words counted afterwards: the search's matches, newest first. */
  matches: number[];
}

interface Cursor {
  /** Which step of the search answered the first page (STEP_CODES). */
  step: StepCode;
  offset: number;
  floor: number | null;
  /** The first page ranked the newest matches by closeness alone (common stop words only). */
  newest: boolean;
  fingerprint: string;
}

/**
 * How a page is ordered. bm25: ranked by FTS5 (within the window above `floor`, when there is one).
 * few: every match is already in `rows` (no more than `closenessLimit`), ranked by closeness alone.
 * newest: a query of common stop words only, so the newest STOPWORD_POOL matches are ranked by closeness and the
 * rest follow newest first; bm25 would first read each word's whole list (most of the statements).
 * coverage: any of a few rare words, ranked by which of them a statement holds (see coverage()).
 */
type Order =
  | { by: 'bm25'; floor: number | null; budget: number | null }
  | { by: 'few'; rows: Hit[] }
  | { by: 'newest' }
  | { by: 'coverage'; take: (a: number, b: number) => Array<{ id: number; score: number }> };

/** The steps a search tries, as a cursor names them: all words (w), substring (t), any words (o), advanced (a). */
type StepCode = 'w' | 't' | 'o' | 'a';
interface Step {
  code: StepCode;
  make: () => Plan | null | Promise<Plan | null>;
}
const MAX_OR_TERMS = 8;
/** Stop words only name no statement: the newest this-many matches are ranked, a page's worth. */
const STOPWORD_POOL = 20;
const MAX_SUBSTRING_FRAGMENTS = 6;
const MAX_PHRASE_TOKENS = 8;
const MAX_RERANK_TOKENS = 200;
/**
 * A long paste's candidates are read when no more statements than this hold its known rare words: a few
 * usually do, and reading many costs more than counting the words they leave undecided.
 */
const HELD_ROWS = 20;
const COUNT_TTL_MS = 5 * 60_000;

const badQuery = (message: string, detail?: string) =>
  validationFailed([{ in: 'query', pointer: '/q', message }], detail ?? `Invalid query: /q ${message}`);
const badCursor = (message: string) =>
  validationFailed([{ in: 'query', pointer: '/cursor', message }], `Invalid query: /cursor ${message}`);

/** FNV-1a: a cursor remembers which search it belongs to, so it cannot page through another one. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function encodeCursor(c: Cursor): string {
  return encodeToken(`s1.${c.step}.${c.offset}.${c.newest ? 'n' : (c.floor ?? '-')}.${c.fingerprint}`);
}

function decodeCursor(raw: string): Cursor {
  const m = decodeToken(raw, /^s1\.([wtoa])\.(\d{1,9})\.(\d{1,16}|-|n)\.([0-9a-z]{1,8})$/);
  if (!m) throw badCursor('must be a nextCursor value from an earlier page');
  const floor = m[3] === '-' || m[3] === 'n' ? null : Number(m[3]);
  return { step: m[1] as StepCode, offset: Number(m[2]), floor, newest: m[3] === 'n', fingerprint: m[4] };
}

export class SearchService {
  private readonly scoreBudget: number;
  private readonly pool: number;
  private readonly closenessLimit: number;
  private readonly probeCap: number;
  // Capped match counts per term. They only steer the work (which words the loosest strategy uses,
  // whether a ranked window is needed), never which statements match; entries expire, so a word that
  // grows common is noticed.
  private readonly counts = new Map<string, { n: number; cap: number; at: number }>();
  /** Lists of rare words read by earlier searches, exact while the database is unchanged (kept-lists.ts). */
  private readonly kept = new KeptLists();
  private readonly readVersion = () => this.repo.readVersion();

  constructor(
    private readonly repo: SearchRepository,
    private readonly provenance: ProvenanceService,
    options: SearchOptions = {},
  ) {
    this.scoreBudget = options.scoreBudget ?? 20_000;
    this.pool = options.pool ?? 50;
    this.closenessLimit = Math.max(this.pool, options.closenessLimit ?? 200);
    this.probeCap = options.probeCap ?? 2_000;
  }

  async search(input: SearchQuery): Promise<SearchResults> {
    const mode: Mode = input.mode ?? 'auto';
    const limit = input.limit ?? 20;
    const filter: SearchFilter = {
      speakerId: input.speakerId,
      identityStatus: input.identityStatus,
      kind: input.kind,
      claimId: input.claimId,
      documentId: input.documentId,
      outletId: input.outletId,
      circumstance: input.circumstance,
      from: rangeOf(input.saidFrom)[0] ?? undefined,
      to: rangeOf(input.saidTo)[1] ?? undefined,
    };
    const prepared = prepareQuery(input.q);
    const fp = fingerprint(JSON.stringify([mode, prepared.normalised, filter]));
    const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor);
    if (cursor && cursor.fingerprint !== fp) throw badCursor('belongs to a different search (q, mode or filters changed)');

    let answer: SearchResults | null = null;
    for (const step of this.plans(mode, input.q, prepared)) {
      if (cursor && step.code !== cursor.step) continue;
      const plan = await step.make();
      if (!plan) continue;
      const offset = cursor?.offset ?? 0;
      const order = await this.order(plan, prepared, filter, cursor, offset);
      const { hits, more, rankedWithin } = await this.page(plan, prepared, filter, order, offset, limit);
      answer = {
        query: {
          normalised: prepared.normalised,
          strategy: plan.strategy,
          terms: plan.terms,
          expression: toFts5(plan.match),
          truncated: prepared.truncated,
          rankedWithin,
        },
        items: await this.assemble(hits, plan, prepared),
        nextCursor: more
          ? encodeCursor({
              step: step.code,
              offset: offset + limit,
              floor: order.by === 'bm25' ? order.floor : null,
              newest: order.by === 'newest',
              fingerprint: fp,
            })
          : null,
      };
      // Nothing with this strategy: the next one is looser. A later page stays with the first page's.
      if (answer.items.length > 0 || cursor) return answer;
    }
    return (
      answer ?? {
        query: {
          normalised: prepared.normalised,
          strategy: mode === 'substring' ? 'substring' : 'all-words',
          terms: [],
          expression: null,
          truncated: prepared.truncated,
          rankedWithin: null,
        },
        items: [],
        nextCursor: null,
      }
    );
  }

  /**
   * The strategies to try, in order. Each is built only when reached: the loosest one costs frequency
   * probes, and a query the words strategy answers never pays for them.
   */
  private plans(mode: Mode, q: string, p: PreparedQuery): Step[] {
    if (mode === 'advanced') {
      let parsed: ReturnType<typeof parseAdvanced>;
      try {
        parsed = parseAdvanced(normaliseText(q));
      } catch (e) {
        if (e instanceof QuerySyntaxError) throw badQuery(`${e.message} (at character ${e.position + 1})`);
        throw e;
      }
      return [
        {
          code: 'a',
          make: () => ({
            strategy: 'advanced',
            index: 'words',
            match: parsed.expr,
            members: parsed.expr,
            any: false,
            terms: [...parsed.stems, ...parsed.prefixes.map((x) => `${x}*`)],
            phrases: parsed.terms,
            rerank: false,
            mark: { stems: parsed.stems, prefixes: parsed.prefixes },
          }),
        },
      ];
    }
    if (p.tokens.length === 0)
      throw badQuery('must contain a letter or digit', 'Invalid query: /q has no letters or digits to search for.');
    const substring = (): Plan | null => {
      const fragments = p.fragments.slice(0, MAX_SUBSTRING_FRAGMENTS);
      if (fragments.length === 0) return null;
      const match = allOf(fragments.map(word));
      return {
        strategy: 'substring',
        index: 'fragments',
        match,
        members: match,
        any: false,
        terms: fragments,
        phrases: fragments.length,
        rerank: false,
        mark: { fragments },
      };
    };
    if (mode === 'substring') {
      if (p.fragments.length === 0) throw badQuery('needs at least 3 letters or digits in a row for a substring search');
      return [{ code: 't', make: substring }];
    }

    const stems = new Set(p.tokens.map(stemmed));
    // Stop words add almost nothing to which statements match and cost a long list each: they only
    // count in re-ranking, unless the query has nothing else.
    const content = p.retrieval.filter((t) => !isStopword(t));
    const words = content.length > 0 ? content : p.retrieval;
    // Word counts for this search: a word found nowhere is not remembered between searches (count), but
    // two steps of one search need not look twice.
    const seen = new Map<string, number>();
    const lists = new Map<string, number[]>();
    const df = async (w: string) => {
      let n = seen.get(w);
      if (n === undefined) seen.set(w, (n = await this.count('words', w, this.probeCap, lists)));
      return n;
    };
    const steps: Step[] = [
      {
        code: 'w',
        make: async () => {
          // A long paste (more than MAX_SUBSTRING_FRAGMENTS words) is matched by its rarer words: words in
          // `probeCap` statements or more are treated like stop words when rarer ones are there (they
          // hardly narrow the match, and each costs FTS5 a walk of a long list; they count in re-ranking),
          // and words no statement has (a reporter's "the official added", a typo) are left out, as they
          // could only make it find nothing. A short query keeps every word: each narrows it, and a word
          // found nowhere is left to the substring search that follows ("Makhach").
          const long = p.retrieval.length > MAX_SUBSTRING_FRAGMENTS;
          const rare = new Set<string>();
          let held: Held | undefined;
          if (long) {
            const uncounted: string[] = [];
            for (const w of words) {
              const n = this.counted('words', w, this.probeCap);
              if (n === undefined) uncounted.push(w);
              else if (n > 0 && n < this.probeCap) rare.add(w);
            }
            // The statements holding the rare words counted so far, when few: a word not counted yet that
            // each of them holds cannot change which of them hold all the rare words, rare or common, and is
            // not counted (a probe reads its whole list). A word counted as rare narrows them, and each later
            // word is judged against those left.
            const candidates = uncounted.length > 0 && rare.size > 0 ? await this.candidates([...rare], lists) : null;
            const holds = this.repo.holds;
            let left = candidates;
            for (const w of uncounted) {
              if (left && holds && left.every((row) => holds(row, w))) continue;
              const n = await df(w);
              if (n > 0 && n < this.probeCap) {
                rare.add(w);
                const list = lists.get(w);
                left = list && left ? left.filter((row) => includes(list, row.id)) : null;
              }
            }
            if (candidates && left) held = { rows: candidates, matches: left.map((r) => r.id).sort((a, b) => b - a) };
          }
          // Held words are not among the terms: they found no statement, and may be common.
          const needed = rare.size > 0 ? words.filter((w) => rare.has(w)) : words;
          const all = allOf(needed.map(word));
          // A short query also as one exact phrase, stop words included: it matches no statement the words
          // alone would not, but bm25 puts the statements that have it verbatim first. Only when one word is
          // rare: the phrase's own frequency costs a pass over every word's list.
          let phrase = false;
          if (p.tokens.length >= 2 && p.tokens.length <= MAX_PHRASE_TOKENS) {
            // Counts already known first: a word known to be rare settles it without a probe.
            phrase =
              rare.size > 0 || words.some((w) => (seen.get(w) ?? this.counted('words', w, this.probeCap) ?? Infinity) < this.probeCap);
            if (!phrase) for (const w of words) if ((phrase = (await df(w)) < this.probeCap)) break;
          }
          return {
            strategy: 'all-words',
            index: 'words',
            terms: needed,
            match: phrase ? anyOf([exactly(p.tokens), group(all)]) : all,
            members: all,
            any: false,
            phrases: needed.length + (phrase ? 1 : 0),
            rerank: p.tokens.length > 1,
            mark: { stems },
            lists,
            held,
          };
        },
      },
    ];
    // Fragments of words ("Makhach") for short queries; a long paste that misses is better served by its rarest words.
    if (p.retrieval.length <= MAX_SUBSTRING_FRAGMENTS) steps.push({ code: 't', make: substring });
    if (words.length > 1) {
      steps.push({
        code: 'o',
        make: async () => {
          const picked = await this.rarest(words, df);
          if (picked.length === 0) return null;
          const match = anyOf(picked.map(word));
          return {
            strategy: 'any-words',
            index: 'words',
            match,
            members: match,
            any: true,
            terms: picked,
            phrases: picked.length,
            rerank: true,
            mark: { stems },
          };
        },
      });
    }
    return steps;
  }

  /** Up to MAX_OR_TERMS of the words, rarest first; common words only when there is nothing rarer. */
  private async rarest(words: string[], count: (w: string) => Promise<number>): Promise<string[]> {
    const counted: Array<{ w: string; n: number }> = [];
    for (const w of words) counted.push({ w, n: await count(w) });
    const df = counted.filter((x) => x.n > 0).sort((a, b) => a.n - b.n);
    const rare = df.filter((x) => x.n < this.probeCap).slice(0, MAX_OR_TERMS);
    return (rare.length > 0 ? rare : df.slice(0, 3)).map((x) => x.w);
  }

  /**
   * The statements holding every one of `rare`, when no more than HELD_ROWS do and the index's words can
   * be told from a statement's text (repository `holds`; not on PostgreSQL): from the words' lists when at
   * hand (read by this search or kept), else from FTS5.
   */
  private async candidates(rare: string[], lists: Map<string, number[]>): Promise<StatementRow[] | null> {
    if (!this.repo.holds) return null;
    const ids =
      (await this.holding('words', rare, lists)) ??
      (await this.run(() => this.repo.some('words', allOf(rare.map(word)), {}, HELD_ROWS + 1)));
    return ids.length > HELD_ROWS ? null : this.repo.rows(ids);
  }

  /** What count() would answer without probing: the count as last seen (within COUNT_TTL_MS), when it tells. */
  private counted(index: SearchIndex, term: string, cap: number): number | undefined {
    const key = `${index}:${term}`;
    const hit = this.counts.get(key);
    if (hit && Date.now() - hit.at < COUNT_TTL_MS && (hit.n < hit.cap || cap <= hit.cap)) return Math.min(hit.n, cap);
    // A list kept is exact while the database is unchanged, a word found nowhere (an empty list) included.
    const list = this.kept.get(key);
    if (list && this.kept.freshNow(this.readVersion)) return Math.min(list.length, cap);
    return undefined;
  }

  /**
   * How many statements contain `term`, counting no further than `cap`. When it has to look and finds
   * fewer, the ids it read go to `lists`.
   */
  private async count(index: SearchIndex, term: string, cap: number, lists?: Map<string, number[]>): Promise<number> {
    const known = this.counted(index, term, cap);
    if (known !== undefined) return known;
    const key = `${index}:${term}`;
    const now = Date.now();
    if (lists && !this.kept.observed) this.kept.observe(this.repo.readVersion());
    const { n, ids } = await this.repo.probe(index, word(term), cap, lists !== undefined);
    if (ids && lists) {
      lists.set(term, ids);
      this.kept.keep(key, ids);
    }
    if (this.counts.size > 50_000) this.counts.clear();
    // A term found nowhere is not remembered: it may be written any moment.
    if (n > 0) this.counts.set(key, { n, cap, at: now });
    return n;
  }

  /**
   * Whether more than `budget` statements might match (before filters). Statements with all the terms
   * are no more than those with the rarest; with any of them, no more than the sum. Finding one rare
   * term usually settles it, and spares the window query, which would walk every match.
   */
  private async mayExceed(plan: Plan, budget: number): Promise<boolean> {
    if (plan.strategy === 'advanced') return true;
    const terms = [...plan.terms].sort((a, b) => b.length - a.length);
    if (plan.strategy === 'any-words') {
      // Rare words only (the usual case): at most MAX_OR_TERMS × probeCap matches, all ranked, so the
      // best match is found however old it is. A window only when it had to fall back on common words.
      if (await this.everyTerm(terms, async (t) => (await this.count(plan.index, t, this.probeCap)) < this.probeCap)) return false;
      let n = 0;
      for (const t of terms) n += await this.count(plan.index, t, budget);
      return n >= budget;
    }
    return this.everyTerm(terms, async (t) => (await this.count(plan.index, t, budget)) >= budget);
  }

  /** Whether every term passes `test`, asking no further than the first that fails (each may cost a probe). */
  private async everyTerm(terms: string[], test: (t: string) => Promise<boolean>): Promise<boolean> {
    for (const t of terms) if (!(await test(t))) return false;
    return true;
  }

  private windowFor(plan: Plan): number | null {
    if (this.scoreBudget <= 0) return null;
    return Math.max(Math.min(1000, this.scoreBudget), Math.floor(this.scoreBudget / Math.max(1, plan.phrases)));
  }

  /** FTS5 rejects a few expressions only at run time; in advanced mode that is the user's to fix. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Error && e.name === 'SqliteError' && /fts5|MATCH/i.test(e.message)) {
        throw badQuery(`cannot be searched: ${e.message.replace(/^fts5: /, '')}`);
      }
      throw e;
    }
  }

  /**
   * How this page is ordered; a later page keeps the first page's choice. A multi-word search with no
   * more than `closenessLimit` matches is ranked by closeness alone, every match of it: bm25 first reads
   * the whole list of every word of the expression for its frequency, stop words of the exact phrase
   * included (most of the time of a rare phrase such as "in there tankaba" at 1M statements), where
   * reading and comparing a few hundred statements costs less. The look for them reads ids only and
   * stops after `closenessLimit + 1` however common the words are.
   */
  private async order(plan: Plan, p: PreparedQuery, filter: SearchFilter, cursor: Cursor | null, offset: number): Promise<Order> {
    if (cursor ? cursor.newest : await this.commonStopwords(plan, p)) return { by: 'newest' };
    const coverage = await this.coverage(plan, filter);
    if (coverage) return coverage;
    if (plan.rerank && offset < this.closenessLimit && !(await this.surelyMany(plan))) {
      const ids =
        (await this.allOf(plan, filter)) ??
        (await this.run(() => this.repo.some(plan.index, plan.members, filter, this.closenessLimit + 1)));
      if (ids.length <= this.closenessLimit)
        return { by: 'few', rows: (await this.rowsOf(plan, ids)).map((row) => ({ id: row.id, score: null, row })) };
    }
    const budget = this.windowFor(plan);
    const floor = cursor
      ? cursor.floor
      : budget === null || !(await this.mayExceed(plan, budget))
        ? null
        : await this.run(() => this.repo.windowFloor(plan.index, plan.match, filter, budget));
    return { by: 'bm25', floor, budget };
  }

  /**
   * The statements holding every word of a words search, newest first, from the words' own lists, when
   * no filter applies and every word is either counted by this search's probes as rare (fewer than
   * `probeCap` statements: the probe read its list), or had its list read by an earlier search and kept
   * (used once one statement has told that the database has not changed since), or counted by an
   * earlier search in no more than `closenessLimit` (its list is read, all such in one statement). FTS5
   * would open and walk every word's list again, a fixed cost per word and index segment: ~1 ms of a
   * pasted quote new to the service at 1M statements. Null: FTS5 is asked instead.
   */
  private async allOf(plan: Plan, filter: SearchFilter): Promise<number[] | null> {
    if (plan.any || !plan.lists) return null;
    if (Object.values(filter).some((v) => v !== undefined && v !== null)) return null;
    return plan.held ? plan.held.matches : this.holding(plan.index, plan.terms, plan.lists);
  }

  /** The statements holding every one of `terms`, newest first, from their lists (see allOf); null: FTS5 is to be asked. */
  private async holding(index: SearchIndex, terms: string[], lists: Map<string, number[]>): Promise<number[] | null> {
    if (terms.length === 0) return null;
    const missing = terms.filter((t) => !lists.has(t));
    // Every other list kept from earlier searches: the read version tells that none has changed since.
    const kept = missing.map((t) => this.kept.get(`${index}:${t}`));
    if (kept.length && kept.every((l) => l !== undefined) && this.kept.freshNow(this.readVersion)) {
      const read = terms.filter((t) => lists.has(t)).map((t) => lists.get(t)!);
      return intersectAll([...read, ...(kept as number[][])]).reverse();
    }
    // Lists not read yet only when short: FTS5 steps through a longer one by the shortest, where this
    // would read it whole.
    if (missing.some((t) => !((this.counted(index, t, this.closenessLimit + 1) ?? Infinity) <= this.closenessLimit))) return null;
    const read = missing.length ? await this.run(() => this.repo.lists(index, missing.map(word), this.probeCap)) : [];
    if (read.some((ids) => ids === null)) return null;
    read.forEach((ids, i) => this.kept.keep(`${index}:${missing[i]}`, ids!));
    return intersectAll(terms.map((t) => lists.get(t) ?? read[missing.indexOf(t)]!)).reverse();
  }

  /** These statements in this order, from those a long paste's candidates read when it read them all. */
  private async rowsOf(plan: Plan, ids: number[]): Promise<StatementRow[]> {
    if (plan.held) {
      const byId = new Map(plan.held.rows.map((r) => [r.id, r]));
      if (ids.every((id) => byId.has(id))) return ids.map((id) => byId.get(id)!);
    }
    return this.repo.rows(ids);
  }

  /**
   * Any of a few rare words (the rarest of a paste that no statement holds whole): every statement with
   * any of them, ranked by the words it holds, each weighing more the rarer it is (ties: newest first).
   * The lists are short (each word is in fewer than `probeCap` statements), and walking them costs less
   * than bm25, which scores every match; the best `pool` are then re-ranked by closeness as usual.
   */
  private async coverage(plan: Plan, filter: SearchFilter): Promise<Order | null> {
    if (!plan.any || this.scoreBudget <= 0) return null;
    const counts: number[] = [];
    for (const t of plan.terms) counts.push(await this.count(plan.index, t, this.probeCap));
    if (counts.some((n) => n >= this.probeCap)) return null;
    const weights = counts.map((n) => Math.log(1 + this.probeCap / Math.max(1, n)));
    const score = new Map<number, number>();
    // Pairs come term by term, so a statement's weights always add up in the same order.
    for (const [id, t] of await this.run(() => this.repo.termHits(plan.index, plan.terms.map(word), filter))) {
      score.set(id, (score.get(id) ?? 0) + weights[t]);
    }
    // Few distinct scores (one per set of words held): bucket by score, sort a bucket only when reached.
    const buckets = new Map<number, number[]>();
    for (const [id, sc] of score) {
      const b = buckets.get(sc);
      if (b) b.push(id);
      else buckets.set(sc, [id]);
    }
    const levels = [...buckets.keys()].sort((a, b) => b - a);
    const ordered: number[] = [];
    let next = 0;
    const take = (a: number, b: number) => {
      while (ordered.length < b && next < levels.length) {
        for (const id of buckets.get(levels[next++])!.sort((x, y) => y - x)) ordered.push(id);
      }
      return ordered.slice(a, b).map((id) => ({ id, score: score.get(id)! }));
    };
    return { by: 'coverage', take };
  }

  /**
   * Whether more statements match than `closenessLimit`, judged from word counts already known (any one
   * of the words matches, so one word in more statements settles it). It saves the look for a few
   * matches; filters are not counted, so a filtered search that it judges many is ranked by bm25 as a
   * larger one is, its best `pool` re-ranked by closeness.
   */
  private async surelyMany(plan: Plan): Promise<boolean> {
    return (
      plan.any && !(await this.everyTerm(plan.terms, async (t) => (await this.count(plan.index, t, this.probeCap)) <= this.closenessLimit))
    );
  }

  /**
   * Whether a words search is made of stop words only, each in `probeCap` statements or more ("the and
   * been"): nothing in it says which statement was meant, and bm25's frequency pass would read lists
   * that hold most of the statements. Such a search ranks the newest matches by closeness instead.
   */
  private async commonStopwords(plan: Plan, p: PreparedQuery): Promise<boolean> {
    if (this.scoreBudget <= 0 || (plan.strategy !== 'all-words' && plan.strategy !== 'any-words')) return false;
    if (!p.retrieval.every(isStopword)) return false;
    return this.everyTerm(plan.terms, async (t) => (await this.count(plan.index, t, this.probeCap)) >= this.probeCap);
  }

  /**
   * One page of hits. The base order is bm25 within the window (all matches when there is none), then
   * the matches below the window newest first (or newest first throughout, or the few matches there
   * are: see Order); for multi-word searches the first `pool` of that order are re-ranked by closeness
   * to the pasted words. Offsets index this final order, so pages never overlap or skip.
   */
  private async page(
    plan: Plan,
    p: PreparedQuery,
    filter: SearchFilter,
    order: Order,
    offset: number,
    limit: number,
  ): Promise<{ hits: Array<Hit & { relevance: number | null }>; more: boolean; rankedWithin: number | null }> {
    // The few matches are all ranked by closeness; otherwise the first `pool` of the base order.
    const pool =
      order.by === 'newest' ? Math.min(this.pool, STOPWORD_POOL) : order.by === 'few' ? order.rows.length : plan.rerank ? this.pool : 0;
    let base: (a: number, b: number) => Promise<Hit[]>;
    let rankedWithin: number | null = null;
    if (order.by === 'few') base = async (a, b) => order.rows.slice(a, b);
    else if (order.by === 'coverage') {
      base = async (a, b) => {
        const picked = order.take(a, b);
        const score = new Map(picked.map((x) => [x.id, x.score]));
        // Hit.score is lower-is-better, as bm25's.
        return (await this.repo.rows(picked.map((x) => x.id))).map((row) => ({ id: row.id, score: -score.get(row.id)!, row }));
      };
    } else if (order.by === 'newest') base = (a, b) => this.run(() => this.repo.newest(plan.index, plan.members, filter, null, a, b - a));
    else {
      const { floor, budget } = order;
      rankedWithin = floor === null ? null : budget;
      let rankedCount: number | null = null;
      base = async (a, b) => {
        const out = await this.run(() => this.repo.ranked(plan.index, plan.match, filter, floor, a, b - a));
        if (floor === null || out.length === b - a) return out;
        rankedCount ??= out.length > 0 ? a + out.length : await this.run(() => this.repo.countFrom(plan.index, plan.match, filter, floor));
        const from = Math.max(a, rankedCount) - rankedCount;
        return [...out, ...(await this.run(() => this.repo.newest(plan.index, plan.match, filter, floor, from, b - rankedCount! - from)))];
      };
    }
    const relevanceOf = (h: Hit) => (h.score === null ? null : -h.score);
    if (offset >= pool) {
      if (order.by === 'newest') rankedWithin = pool;
      const hits = (await base(offset, offset + limit + 1)).map((h) => ({ ...h, relevance: relevanceOf(h) }));
      return { hits: hits.slice(0, limit), more: hits.length > limit, rankedWithin };
    }
    // One past the pool: whether anything is left unranked.
    const rows = await base(0, Math.max(pool + 1, offset + limit + 1));
    if (order.by === 'newest' && rows.length > pool) rankedWithin = pool;
    const candidates = rows.slice(0, pool);
    const stems = stemsFor(p);
    const scored = candidates.map((h, i) => ({ ...h, relevance: Math.round(closeness(stems, h.row) * 1e4) / 1e4, i }));
    scored.sort((a, b) => b.relevance - a.relevance || a.i - b.i);
    const ordered = [...scored, ...rows.slice(pool).map((h) => ({ ...h, relevance: relevanceOf(h) }))];
    const hits = ordered.slice(offset, offset + limit + 1);
    return { hits: hits.slice(0, limit), more: hits.length > limit, rankedWithin };
  }

  /** Speakers, hop trees, claims and snippets for one page: a fixed number of queries whatever its size. */
  private async assemble(hits: Array<Hit & { relevance: number | null }>, plan: Plan, p: PreparedQuery): Promise<SearchHit[]> {
    if (hits.length === 0) return [];
    const rows = hits.map((h) => h.row);
    // Side by side: on PostgreSQL each is a round trip on a connection of its own, so the page waits for
    // the slower one rather than for both in turn.
    const [provenance, claimRows] = await Promise.all([this.provenance.forStatements(rows), this.repo.claims(rows.map((r) => r.id))]);
    const claims = new Map<number, SearchHit['claims']>();
    for (const c of claimRows) {
      const list = claims.get(c.statement_id) ?? [];
      list.push({
        claimId: c.claim_id,
        stance: c.stance as SearchHit['claims'][number]['stance'],
        text: c.text,
        verdict: c.verdict ? parseStored(c.verdict, 'claim', c.claim_id, 'verdict') : null,
      });
      claims.set(c.statement_id, list);
    }
    const relevance = new Map(hits.map((h) => [h.id, h.relevance]));
    const stems = stemsFor(p);
    return rows.map((row) => {
      const p = provenance.get(row.id)!;
      return {
        statement: p.statement,
        speaker: p.speaker,
        mediumPublisher: p.mediumPublisher ?? null,
        hops: p.hops,
        claims: claims.get(row.id) ?? [],
        snippet: snippetOf(row, plan),
        relevance: relevance.get(row.id) ?? null,
        matchClass: classOf(stems, row),
      };
    });
  }
}

/** The first index at or after `from` where ascending `list` holds `id` or more (binary search). */
function lowerBound(list: number[], id: number, from = 0): number {
  let [lo, hi] = [from, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether ascending `list` holds `id`. */
const includes = (list: number[], id: number) => list[lowerBound(list, id)] === id;

/** The ids in every one of `lists` (each ascending), ascending, in a new array; shortest first, so each step is cheapest. */
function intersectAll(lists: number[][]): number[] {
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let all = [...(sorted[0] ?? [])];
  for (const list of sorted.slice(1)) {
    if (all.length === 0) break;
    all = intersect(all, list);
  }
  return all;
}

/**
 * The ids of `few` that are also in `many`, both ascending (as every list of ids the repository reads):
 * a binary search of `many` for each of `few`, starting where the last one ended, so a long list costs
 * only the few places looked at (a Set of it would cost its whole length).
 */
function intersect(few: number[], many: number[]): number[] {
  const out: number[] = [];
  let lo = 0;
  for (const id of few) {
    lo = lowerBound(many, id, lo);
    if (lo === many.length) break;
    if (many[lo] === id) out.push(id);
  }
  return out;
}

// ASCII text needs no typographic folding to be split into words: wordTokens only keeps letters and digits.
// biome-ignore lint/suspicious/noControlCharactersInRegex: any ASCII, control characters included
const ASCII_TEXT = /^[\x00-\x7f]*$/;

/**
 * A word's first two characters as a number (one character: a number no longer word has). stem() keeps
 * them, so a word whose start no pasted word's stem has cannot share a stem with any of them.
 */
const startOf = (t: string) => t.charCodeAt(0) * 0x10000 + (t.length === 1 ? 0xffff : t.charCodeAt(1));

/**
 * The pasted words as re-ranking compares them (stems), and each statement's words as compared to them:
 * closeness and the match class only ask which of a statement's words equal a pasted word's stem, so a
 * word that cannot is kept as '' (no stem is empty) rather than stemmed. That is most of a statement's
 * words, and re-ranking reads up to `closenessLimit` statements a search. Each statement is tokenised once
 * per search: closeness ranks and the match class reads the same ones again for the page.
 */
class Stems {
  readonly query: string[];
  private readonly starts: Set<number>;
  private readonly rows = new WeakMap<StatementRow, { text: string[]; original: string[] | null }>();

  constructor(p: PreparedQuery) {
    this.query = p.tokens.slice(0, MAX_RERANK_TOKENS).map(stemmed);
    this.starts = new Set(this.query.map(startOf));
  }

  of(row: StatementRow): { text: string[]; original: string[] | null } {
    let s = this.rows.get(row);
    if (!s) {
      s = { text: this.words(row.text), original: row.original_text ? this.words(row.original_text) : null };
      this.rows.set(row, s);
    }
    return s;
  }

  private words(text: string): string[] {
    const tokens = wordTokens(dropBracketed(ASCII_TEXT.test(text) ? text : normaliseText(text)));
    for (let i = 0; i < tokens.length; i++) tokens[i] = this.starts.has(startOf(tokens[i]!)) ? stemmed(tokens[i]!) : '';
    return tokens;
  }
}

/** One Stems per search: page() ranks with it and assemble() classes the page with it. */
const stemsOfQuery = new WeakMap<PreparedQuery, Stems>();
function stemsFor(p: PreparedQuery): Stems {
  let s = stemsOfQuery.get(p);
  if (!s) stemsOfQuery.set(p, (s = new Stems(p)));
  return s;
}

/** Closeness of a statement (its text or its original text, whichever is closer) to the pasted words. */
function closeness(s: Stems, row: StatementRow): number {
  const { text, original } = s.of(row);
  const a = similarity(s.query, text);
  return original ? Math.max(a, similarity(s.query, original)) : a;
}

/** The surer class of the statement's text and its original text. */
function classOf(s: Stems, row: StatementRow): MatchClass {
  const { text, original } = s.of(row);
  const a = matchClass(s.query, text);
  const b = original ? matchClass(s.query, original) : a;
  return MATCH_CLASSES.indexOf(a) <= MATCH_CLASSES.indexOf(b) ? a : b;
}

function snippetOf(row: StatementRow, plan: Plan): SearchHit['snippet'] {
  const text = highlight(row.text, plan.mark);
  if (row.original_text) {
    const original = highlight(row.original_text, plan.mark);
    if (original.marked > text.marked) return { field: 'originalText', text: original.text, highlights: original.highlights };
  }
  return { field: 'text', text: text.text, highlights: text.highlights };
}
