// Deterministic synthetic records for benchmarks: the same seed and size always give the same database.
//
// What it makes, for N statements (at 1M: ~20k speakers, 500 outlets, 100k documents, ~2.2M hops):
//   speakers of every identity status (named 60%, anonymous 25% with descriptions, unidentified 15%),
//     some acting for an organisation, anonymous ones with a (confidential) attestation;
//   outlets, and documents published by them;
//   statements of news-statement length (1–3 sentences, ~25–60 words, Zipf-distributed vocabulary, with
//     straight and curly quotes, apostrophes and dashes), 10% with an original-language text carrying
//     diacritics, partial dates of every precision, mediums, publishers and circumstances;
//   hop chains 1–20 deep (most 1–3; some branch), first hop an outlet or a person, later hops outlets with
//     their documents; `chainSamples` lists statements whose single chain is exactly 1, 5 or 20 hops deep;
//   claims, with ~15% of statements linked to one with a stance.
// Rows go in through raw prepared inserts in large transactions with FTS triggers set aside; every FTS5
// table is rebuilt once at the end, which is far faster than maintaining it row by row.
import type { SqliteDb } from '../src/db/database.js';
import { searchIndexRepository } from '../src/search/search-index-repository.js';
import { SearchIndexService } from '../src/search/search-index-service.js';

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/**
 * Sampler over ranks 0..n-1 with P(r) ∝ 1/(r+1+offset)^s (Zipf–Mandelbrot), by binary search over the
 * cumulative weights. The offset flattens the head, as content words are flatter than function words.
 */
export function zipf(n: number, s: number, offset = 0): (rng: Rng) => number {
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cum[i] = total += 1 / (i + 1 + offset) ** s;
  return (rng) => {
    const x = rng() * total;
    let lo = 0,
      hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const FUNCTION_WORDS = [
  'the',
  'the',
  'the',
  'of',
  'of',
  'and',
  'and',
  'to',
  'to',
  'in',
  'in',
  'a',
  'a',
  'that',
  'for',
  'on',
  'was',
  'is',
  'with',
  'it',
  'as',
  'by',
  'had',
  'have',
  'has',
  'from',
  'at',
  'be',
  'not',
  'would',
  'its',
  'their',
  'they',
  'we',
  'this',
  'were',
  'been',
  'will',
  'there',
  'after',
  'before',
  'about',
  'any',
];

// Real news vocabulary first (the frequent ranks), then generated words for the long tail.
const NEWS_WORDS = `government minister officials security attack police president country military forces
report people city said statement region war army election parliament court border intelligence
agency troops ministry spokesman authorities sources information officer investigation evidence
killed weapons group leaders national foreign defence prime public power oil talks deal peace
ceasefire sanctions economy prices inflation bank markets trade exports imports energy gas water
health hospital doctors patients vaccine virus outbreak climate flood drought storm earthquake
fire rescue workers strike union protest protesters crowd demonstration rally arrested detained
prison trial judge lawyer prosecutor charges fraud corruption bribery scandal resignation vote
voters campaign candidate party opposition coalition majority senate congress law bill reform
budget tax spending debt loan fund aid refugees migrants asylum camp humanitarian crisis conflict
offensive missile drone strike airstrike shelling village town capital province district port
airport railway bridge road convoy ship navy vessel coast island mountain desert river valley
company chief executive shares investors profit losses jobs factory industry technology data
internet social media platform video footage images photos witness victims families children
school university students teachers church mosque temple community leader minister ambassador
embassy diplomat summit meeting negotiations agreement treaty alliance partners allies enemies
threat warning alert plot terrorist militants insurgents rebels fighters commander general colonel
soldiers casualties wounded hostages kidnapping ransom smuggling weapons ammunition explosives
bomb blast explosion operation raid checkpoint patrol surveillance hacking cyber network leak
documents files records emails memo letter interview broadcast radio television newspaper
journalist reporter editor publisher network channel website blog post account message`
  .split(/\s+/)
  .filter(Boolean);

const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'tan',
  'vel',
  'dor',
  'is',
  'un',
  'ba',
  'zhe',
  'qu',
  'lor',
  'sen',
  'tri',
  'mak',
  'hal',
  'ost',
  'ev',
  'ni',
  'gra',
  'pol',
  'dem',
  'ar',
  'sha',
  'kin',
  'vo',
  'let',
  'rim',
  'ul',
  'bek',
];
const FOREIGN_SYLLABLES = [
  'sé',
  'gu',
  'ri',
  'dád',
  'ñor',
  'çã',
  'über',
  'mö',
  'ge',
  'län',
  'dér',
  'ka',
  'ží',
  'vý',
  'ło',
  'ść',
  'ta',
  'ne',
  'ós',
  'ür',
];
const OPENERS = ['We', 'They', 'I', 'The government', 'Our forces', 'Officials', 'The ministry', 'Nobody', 'Everyone', 'The people'];
const ANON_DESCRIPTIONS = [
  'a senior security official',
  'a person familiar with the matter',
  'a diplomat in the region',
  'a government adviser',
  'a source close to the investigation',
  'one said',
  'a military officer',
  'a second source',
  'an official who requested anonymity',
  'a former intelligence officer',
];
const UNIDENTIFIED_DESCRIPTIONS = [
  'a detained man shown in a video',
  'an eyewitness',
  'a man speaking in a recording',
  'a suspect under interrogation',
  'a caller to a radio station',
  'an unnamed resident',
];
const KINDS = [
  'assertion',
  'assertion',
  'assertion',
  'denial',
  'no_comment',
  'claim_of_responsibility',
  'accusation',
  'warning',
  'confirmation',
  'opinion',
  'characterisation',
  'attack',
  'other',
];
const MEDIUMS = [
  'interview',
  'press_call',
  'press_conference',
  'briefing',
  'video',
  'broadcast',
  'written_statement',
  'social_post',
  'speech',
  'report',
  'other',
];
const CUES = [
  'said',
  'told reporters',
  'one said',
  'three sources said',
  'according to a statement',
  'reported on Monday',
  'said in a video',
  'according to officials',
  null,
];
const HEDGES = ['said', 'said', 'said', 'reported', 'claimed', 'alleged', 'stated_as_fact'];
const MODES = ['verbatim', 'verbatim', 'paraphrase', 'translation', 'summary'];
const STANCES = ['supports', 'supports', 'disputes', 'denies', 'declines_to_comment'];

export interface SyntheticOptions {
  statements: number;
  seed?: number;
  /** Fill documents.body with the texts relayed in them (for benchmarks of tagging); off by default. */
  documentBodies?: boolean;
  /** Progress lines, e.g. console.error. */
  log?: (line: string) => void;
}

export interface SyntheticInfo {
  statements: number;
  actors: number;
  outlets: number;
  documents: number;
  relays: number;
  claims: number;
  claimLinks: number;
  /** Statements whose only chain is exactly this many hops deep (up to 200 each). */
  chainSamples: Record<1 | 5 | 20, number[]>;
  /** The content vocabulary by frequency rank (0 = most frequent). */
  vocabulary: string[];
  generateMs: number;
  indexMs: number;
}

function buildVocabulary(rng: Rng, size: number): string[] {
  const seen = new Set<string>(NEWS_WORDS);
  const words = [...NEWS_WORDS];
  while (words.length < size) {
    const n = int(rng, 2, 4);
    let w = '';
    for (let i = 0; i < n; i++) w += pick(rng, SYLLABLES);
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

function foreignWord(rng: Rng): string {
  let w = '';
  for (let i = int(rng, 1, 3); i > 0; i--) w += pick(rng, FOREIGN_SYLLABLES);
  return w;
}

/** One sentence of 8–25 words with some of the typography real quotes carry. */
function sentence(rng: Rng, vocab: string[], rank: (rng: Rng) => number): string {
  const n = int(rng, 8, 25);
  const words: string[] = [rng() < 0.3 ? pick(rng, OPENERS) : ''];
  for (let i = 0; i < n; i++) {
    const w = rng() < 0.45 ? pick(rng, FUNCTION_WORDS) : vocab[rank(rng)];
    words.push(w);
    const r = rng();
    if (r < 0.05) words.push(',');
    else if (r < 0.06) words.push(' —');
    else if (r < 0.065) words.push(rng() < 0.5 ? '’s' : "'s");
  }
  let s = words
    .filter(Boolean)
    .join(' ')
    .replace(/ ,/g, ',')
    .replace(/ (’s|'s)/g, '$1');
  s = s.charAt(0).toUpperCase() + s.slice(1);
  const end = rng();
  if (end < 0.06) return `“${s}”.`;
  if (end < 0.1) return `"${s}".`;
  if (end < 0.13) return s + '…';
  return s + '.';
}

function partialDate(rng: Rng): [string | null, string | null, string | null] {
  const r = rng();
  if (r < 0.05) return [null, null, null];
  const y = int(rng, 2015, 2025);
  if (r < 0.15) return [String(y), `${y}-01-01`, `${y}-12-31`];
  const m = int(rng, 1, 12);
  const mm = String(m).padStart(2, '0');
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (r < 0.4) return [`${y}-${mm}`, `${y}-${mm}-01`, `${y}-${mm}-${last}`];
  const d = `${y}-${mm}-${String(int(rng, 1, last)).padStart(2, '0')}`;
  return [d, d, d];
}

/** Chain depth: mostly 1–3 hops, a long tail to 20. */
function chainDepth(rng: Rng): number {
  const r = rng();
  if (r < 0.45) return 1;
  if (r < 0.75) return 2;
  if (r < 0.87) return 3;
  if (r < 0.95) return int(rng, 4, 5);
  if (r < 0.99) return int(rng, 6, 10);
  return int(rng, 11, 20);
}

/**
 * Fills an empty, migrated database. FTS triggers are set aside during the load and restored after, and
 * every FTS5 table is rebuilt, so the result is exactly what row-by-row writes would have produced.
 */
export async function generate(db: SqliteDb, opts: SyntheticOptions): Promise<SyntheticInfo> {
  // Synthetic rows are not edits anyone made: keep them out of the change history.
  const info = await db.withoutHistory(async () => load(db.sqlite, opts));
  // The indexes as the service leaves them after any bulk write (src/search/search-index-service.ts).
  const t = performance.now();
  const { slices } = await new SearchIndexService(searchIndexRepository(db)).tidy(Number.POSITIVE_INFINITY);
  const tidyMs = performance.now() - t;
  opts.log?.(`  full-text indexes tidied in ${(tidyMs / 1000).toFixed(1)} s (${slices} merge steps)`);
  return { ...info, indexMs: info.indexMs + tidyMs };
}

function load(sqlite: SqliteDb['sqlite'], opts: SyntheticOptions): SyntheticInfo {
  const log = opts.log ?? (() => {});
  const N = opts.statements;
  const rng = createRng(opts.seed ?? 20240322);
  const t0 = performance.now();
  const now = '2026-01-01T00:00:00.000Z';
  // Stored as the service stores it (actorColumns): JSON of who attests, with when.
  const attestation = JSON.stringify({ by: 'the desk editor', note: 'identity known to the desk', at: now });

  const triggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%fts%'`).all() as Array<{
    name: string;
    sql: string;
  }>;
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);

  const vocab = buildVocabulary(rng, Math.max(2000, Math.min(60000, Math.round(N / 15))));
  // The most frequent content word ("government") ends up in ~6% of statements, rank 100 in ~2%, the
  // tail words in a few dozen at 1M: roughly the shape of real news text.
  const rank = zipf(vocab.length, 1.0, 30);

  const nOutlets = Math.max(20, Math.round(N / 2000));
  const nSpeakers = Math.max(50, Math.round(N / 50));
  const nDocuments = Math.max(50, Math.round(N / 10));
  const nClaims = Math.max(20, Math.round(N / 100));

  const insertActor = sqlite.prepare(
    `INSERT INTO actors (id, kind, identity_status, name, description, affiliation, anonymity_reason, acts_for_id, attestation, confidential_notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertDocument = sqlite.prepare(
    `INSERT INTO documents (id, outlet_id, title, url, published_on, byline, language, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insertStatement = sqlite.prepare(
    `INSERT INTO statements (id, speaker_id, text, text_form, kind, said_on, said_from, said_to, medium, medium_publisher_id, circumstances, language, original_language, original_text, context, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insertRelay = sqlite.prepare(
    `INSERT INTO relays (id, statement_id, via_relay_id, relayed_by_id, document_id, first_hand, mode, cue, hedge, relayed_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertClaim = sqlite.prepare(`INSERT INTO claims (id, text, verdict, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)`);
  const insertLink = sqlite.prepare(`INSERT INTO statement_claims (statement_id, claim_id, stance, created_at) VALUES (?, ?, ?, ?)`);

  // Ids: outlets 1..nOutlets, organisations next (so persons can act for them), then the other speakers.
  const nOrgs = Math.max(10, Math.round(nSpeakers / 20));
  const firstOrg = nOutlets + 1;
  const firstSpeaker = firstOrg; // organisations speak too
  const lastActor = nOutlets + nSpeakers;
  sqlite.transaction(() => {
    for (let id = 1; id <= nOutlets; id++) {
      insertActor.run(id, 'outlet', 'named', `Outlet ${id} ${vocab[id % 200]}`, null, null, null, null, null, null, now, now);
    }
    for (let id = firstOrg; id <= lastActor; id++) {
      if (id < firstOrg + nOrgs) {
        insertActor.run(
          id,
          id % 7 === 0 ? 'state' : id % 11 === 0 ? 'group' : 'organisation',
          'named',
          `Organisation ${id}`,
          null,
          null,
          null,
          null,
          null,
          null,
          now,
          now,
        );
        continue;
      }
      const r = rng();
      const actsFor = rng() < 0.2 ? int(rng, firstOrg, firstOrg + nOrgs - 1) : null;
      if (r < 0.6)
        insertActor.run(
          id,
          'person',
          'named',
          `Person ${id}`,
          rng() < 0.5 ? `spokesman of organisation ${actsFor ?? 'unknown'}` : null,
          null,
          null,
          actsFor,
          null,
          null,
          now,
          now,
        );
      else if (r < 0.85)
        insertActor.run(
          id,
          'person',
          'anonymous',
          null,
          pick(rng, ANON_DESCRIPTIONS),
          rng() < 0.5 ? `Organisation ${int(rng, firstOrg, firstOrg + nOrgs - 1)}` : null,
          rng() < 0.6 ? 'requested anonymity' : null,
          actsFor,
          rng() < 0.7 ? attestation : null,
          rng() < 0.3 ? 'CONFIDENTIAL: real name withheld' : null,
          now,
          now,
        );
      else
        insertActor.run(id, 'person', 'unidentified', null, pick(rng, UNIDENTIFIED_DESCRIPTIONS), null, null, null, null, null, now, now);
    }
    for (let id = 1; id <= nDocuments; id++) {
      const [on] = partialDate(rng);
      insertDocument.run(
        id,
        ((id - 1) % nOutlets) + 1,
        `Report ${id}: ${vocab[rank(rng)]} ${vocab[rank(rng)]} ${vocab[rank(rng)]}`,
        rng() < 0.7 ? `https://outlet${((id - 1) % nOutlets) + 1}.example/articles/${id}` : null,
        on,
        rng() < 0.5 ? `Reporter ${id % 997}` : null,
        'en',
        now,
        now,
      );
    }
    for (let id = 1; id <= nClaims; id++) insertClaim.run(id, `Claim ${id}: ${sentence(rng, vocab, rank)}`, now, now);
  })();
  log(`  actors ${lastActor}, documents ${nDocuments}, claims ${nClaims}`);

  const speakerRank = zipf(nSpeakers, 0.8);
  const docsPerOutlet = Math.floor(nDocuments / nOutlets);
  const docOf = (outlet: number) => outlet + nOutlets * Math.floor(rng() * docsPerOutlet);
  const samples: Record<1 | 5 | 20, number[]> = { 1: [], 5: [], 20: [] };
  let relayId = 0;
  let links = 0;
  const BATCH = 50_000;
  for (let start = 1; start <= N; start += BATCH) {
    sqlite.transaction(() => {
      for (let id = start; id < Math.min(N + 1, start + BATCH); id++) {
        const speaker = firstSpeaker + speakerRank(rng);
        const parts = int(rng, 1, 3);
        let text = sentence(rng, vocab, rank);
        for (let i = 1; i < parts && text.length < 220; i++) text += ' ' + sentence(rng, vocab, rank);
        const translated = rng() < 0.1;
        const original = translated ? Array.from({ length: int(rng, 8, 30) }, () => foreignWord(rng)).join(' ') + '.' : null;
        const [on, from, to] = partialDate(rng);
        const medium = rng() < 0.85 ? pick(rng, MEDIUMS) : null;
        const publisher = medium === 'video' && rng() < 0.6 ? int(rng, 1, nOutlets + nOrgs) : null;
        const c = rng();
        const circumstances =
          c < 0.02
            ? '["in_custody","under_interrogation"]'
            : c < 0.04
              ? '["in_custody"]'
              : c < 0.06
                ? '["own_channel"]'
                : c < 0.08
                  ? '["state_media"]'
                  : '[]';
        insertStatement.run(
          id,
          speaker,
          text,
          rng() < 0.7 ? 'quote' : 'paraphrase',
          pick(rng, KINDS),
          on,
          from,
          to,
          medium,
          publisher,
          circumstances,
          'en',
          translated ? 'xx' : null,
          original,
          now,
          now,
        );

        // Every 997th statement gets a 20-hop chain, every 499th a 5-hop one, so each size has samples.
        const depth = id % 997 === 0 ? 20 : id % 499 === 0 ? 5 : chainDepth(rng);
        const branch = depth <= 5 && rng() < 0.1;
        let via: number | null = null;
        let first = 0;
        for (let d = 1; d <= depth; d++) {
          const person = d === 1 && depth > 1 && rng() < 0.3;
          const by = person ? int(rng, firstSpeaker, lastActor) : int(rng, 1, nOutlets);
          relayId++;
          insertRelay.run(
            relayId,
            id,
            via,
            by,
            person ? null : docOf(by),
            d === 1 ? 1 : 0,
            pick(rng, MODES),
            pick(rng, CUES),
            pick(rng, HEDGES),
            on,
            now,
            now,
          );
          if (d === 1) first = relayId;
          via = relayId;
        }
        if (branch) {
          const by = int(rng, 1, nOutlets);
          relayId++;
          insertRelay.run(relayId, id, first, by, docOf(by), 0, pick(rng, MODES), pick(rng, CUES), pick(rng, HEDGES), on, now, now);
        } else if (depth === 1 || depth === 5 || depth === 20) {
          const list = samples[depth as 1 | 5 | 20];
          if (list.length < 200) list.push(id);
        }
        if (rng() < 0.15) {
          insertLink.run(id, int(rng, 1, nClaims), pick(rng, STANCES), now);
          links++;
        }
      }
    })();
    if ((start - 1) % 200_000 === 0 && start > 1) log(`  statements ${start - 1}`);
  }
  const generateMs = performance.now() - t0;
  log(`  rows written in ${(generateMs / 1000).toFixed(1)} s; building full-text indexes`);

  if (opts.documentBodies) {
    sqlite.exec(`UPDATE documents SET body = title || char(10) || char(10) || coalesce((
      SELECT group_concat(text, char(10)) FROM (SELECT s.text FROM relays r JOIN statements s ON s.id = r.statement_id WHERE r.document_id = documents.id LIMIT 5)), '')`);
  }

  const t1 = performance.now();
  const fts = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'`)
    .all() as Array<{ name: string }>;
  for (const { name } of fts) sqlite.exec(`INSERT INTO "${name}"("${name}") VALUES ('rebuild')`);
  for (const t of triggers) sqlite.exec(t.sql);
  const indexMs = performance.now() - t1;
  sqlite.exec('ANALYZE');

  return {
    statements: N,
    actors: lastActor,
    outlets: nOutlets,
    documents: nDocuments,
    relays: relayId,
    claims: nClaims,
    claimLinks: links,
    chainSamples: samples,
    vocabulary: vocab,
    generateMs,
    indexMs,
  };
}
