// npm run bench -- --only=tags [--tags-runs=7] [--tags-size=50000] [--tags-count=300]
//
// Tagging and re-anchoring in a 50,000-character article with 300 tags, after one edit that inserts,
// deletes, rewrites and moves text in several places. Target: re-anchoring the 300 tags ≤ 150 ms.
// Baseline, measured in the same run: a plain indexOf scan for every tag's quote in the edited body
// (what a naive re-anchorer does; it cannot tell repeats apart, follow edited quotes, or notice that a
// quote it finds is not the one that was tagged).
// Also reported: how many tags end where the edited text really went (the edit is applied to characters
// that remember where they came from, so every tag's true new place is known).
import { createLogger } from '../src/logging/logger.js';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openMigrated } from '../src/db/open.js';
import { assertServiceSettings } from '../src/db/sqlite-settings.js';
import { createApp } from '../src/app.js';
import type { TagChange } from '../src/generated/schema-types.js';
import { createRng as rng } from './synthetic.js';
import { createSchemaRegistry } from '../src/validation/ajv.js';
import { CodePointText, describeSpan, reanchorAll, resolveSelector, type TextAnchor } from '../src/tags/anchoring.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A news-like body: Zipf vocabulary, sentences with attributions and curly quotes, CRLF paragraphs, some emoji. */
function article(size: number, r: () => number): string {
  const syll = ['ka', 'ri', 'to', 'men', 'sa', 'lo', 'ver', 'di', 'an', 'us', 'tra', 'pe', 'mo', 'ne', 'gor', 'li', 'ste', 'ba'];
  const vocab = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + Math.floor(r() * 3) }, () => syll[Math.floor(r() * syll.length)]).join(''),
  );
  const common = ['the', 'said', 'of', 'and', 'to', 'a', 'in', 'that', 'on', 'was', 'officials', 'minister', 'report', 'Monday'];
  const word = () => (r() < 0.35 ? common[Math.floor(r() * common.length)] : vocab[Math.floor(r() ** 2.2 * vocab.length)]);
  const sentence = () => {
    const ws = Array.from({ length: 8 + Math.floor(r() * 18) }, word);
    ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
    const s = ws.join(' ');
    return r() < 0.3 ? `${word()} ${word()} said: “${s}.”` : r() < 0.05 ? `${s} 🔥.` : `${s}.`;
  };
  const paras: string[] = [];
  let n = 0;
  while (n < size) {
    const p = Array.from({ length: 2 + Math.floor(r() * 5) }, sentence).join(' ');
    paras.push(p);
    n += [...p].length + 4;
  }
  return [...paras.join('\r\n\r\n')].slice(0, size).join('');
}

interface Edit {
  tracked: Array<[string, number]>;
}

/** One editing session: inserts, deletions, rewrites inside tags, a rewritten passage, a moved paragraph. */
function edit(body: string, tags: TextAnchor[], r: () => number): Edit {
  const t: Array<[string, number]> = [...body].map((c, i) => [c, i]);
  const fresh = (s: string) => [...s].map((c) => [c, -1] as [string, number]);
  const at = (frac: number) => Math.floor(t.length * frac);
  // Rewrites inside ten tags: one word changed in each (these should come back fuzzy).
  for (const tag of tags.filter((_, i) => i % 30 === 7)) {
    const i = t.findIndex(([, o]) => o === tag.start + Math.floor((tag.end - tag.start) / 2));
    if (i >= 0) t.splice(i, 3, ...fresh('XYZW'));
  }
  // A paragraph cut from the second quarter and pasted near the end (its tags should come back moved).
  const cutAt = at(0.3);
  const paraStart = t.findIndex(([c], i) => i > cutAt && c === '\n') + 1;
  const paraEnd = t.findIndex(([c], i) => i > paraStart + 10 && c === '\r');
  const cut = t.splice(paraStart, paraEnd - paraStart + 4);
  t.splice(at(0.9), 0, ...cut);
  // Two passages deleted (their tags are orphaned), one rewritten (orphaned or fuzzy at its edges).
  t.splice(at(0.55), 1200);
  t.splice(at(0.75), 600);
  t.splice(at(0.45), 400, ...fresh('A passage rewritten from scratch by the night editor, who kept nothing of what was there. '.repeat(4)));
  // Insertions in several places, the first of which shifts everything after it.
  for (const f of [0.2, 0.4, 0.6, 0.8]) t.splice(at(f), 0, ...fresh(' Update: officials confirmed the figures late on Tuesday 👍🏽.'));
  t.splice(0, 0, ...fresh('🔥 LIVE — updated 14:05\r\n\r\n'));
  void r;
  return { tracked: t };
}

export async function run(args: Record<string, string>): Promise<void> {
  const runs = Number(args['tags-runs'] ?? 7);
  const size = Number(args['tags-size'] ?? 50_000);
  const count = Number(args['tags-count'] ?? 300);
  const r = rng(2026);
  const body = article(size, r);
  const text = new CodePointText(body);

  // Tags: sentence fragments of 20–150 code points, spread over the body.
  const spans: Array<{ start: number; end: number }> = [];
  for (let k = 0; k < count; k++) {
    const start = Math.floor(((k + r() * 0.8) / count) * (text.length - 200));
    spans.push({ start, end: start + 20 + Math.floor(r() * 130) });
  }
  const anchors = spans.map((s) => describeSpan(text, s.start, s.end));
  const { tracked } = edit(body, anchors, r);
  const edited = tracked.map(([c]) => c).join('');
  const editedText = new CodePointText(edited);
  const where = new Map<number, number>();
  tracked.forEach(([, o], i) => {
    if (o >= 0) where.set(o, i);
  });

  // Each measurement on a fresh database holding the article and its 300 tags.
  const registry = createSchemaRegistry();
  // A database file opened as the service opens it (WAL, its cache; an in-memory database would measure
  // writes the service never makes), one per fixture, removed at the end.
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-bench-tags-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let fixtures = 0;
  async function fixture() {
    const db = await openMigrated(path.join(dir, `fixture-${++fixtures}.db`));
    assertServiceSettings(db.sqlite, 'the tags benchmark connection');
    const { services } = createApp({ db, registry, logger: createLogger({ level: 'silent' }) });
    const outlet = (
      await db.transaction(() => services.actors.create({ kind: 'outlet', identityStatus: 'named', name: 'The Bench Herald' }))
    ).id;
    const speaker = (await db.transaction(() => services.actors.create({ kind: 'person', identityStatus: 'named', name: 'A Speaker' }))).id;
    const statement = (
      await db.transaction(() => services.statements.create({ speakerId: speaker, text: 'x', textForm: 'quote', kind: 'assertion' }))
    ).id;
    const doc = (await db.transaction(() => services.documents.create({ outletId: outlet, title: 'Bench article', body }))).id;
    return { db, services, statement, doc };
  }

  const tagTimes: number[] = [],
    tagBase: number[] = [];
  const baseTimes: number[] = [],
    pureDiff: number[] = [],
    pureSearch: number[] = [],
    hookTimes: number[] = [],
    patchTimes: number[] = [];
  let report: TagChange[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await fixture();
    // Tagging 300 spans through the service (offsets with their quote, as a client sends them).
    let t0 = performance.now();
    await f.db.transaction(async () => {
      for (const a of anchors)
        await f.services.tags.create(f.doc, { selector: { start: a.start, end: a.end, exact: a.exact }, statementId: f.statement });
    });
    tagTimes.push(performance.now() - t0);
    t0 = performance.now();
    for (const a of anchors) resolveSelector(text, { start: a.start, end: a.end, exact: a.exact });
    tagBase.push(performance.now() - t0);

    // Baseline: find every quote with indexOf.
    t0 = performance.now();
    let found = 0;
    for (const a of anchors) if (edited.indexOf(a.exact) >= 0) found++;
    baseTimes.push(performance.now() - t0);

    t0 = performance.now();
    reanchorAll(anchors, editedText, { previousBody: text });
    pureDiff.push(performance.now() - t0);
    t0 = performance.now();
    reanchorAll(anchors, editedText);
    pureSearch.push(performance.now() - t0);

    // The body-change hook as PATCH runs it: load 300 tags, re-anchor, write back, in one transaction.
    t0 = performance.now();
    await f.db.transaction(() => f.services.tags.reanchorDocument(f.doc, body, edited));
    hookTimes.push(performance.now() - t0);
    await f.db.close();

    // The whole document update on a fresh fixture: validation, the write, change history, the hook.
    const g = await fixture();
    await g.db.transaction(async () => {
      for (const a of anchors)
        await g.services.tags.create(g.doc, { selector: { start: a.start, end: a.end, exact: a.exact }, statementId: g.statement });
    });
    t0 = performance.now();
    const res = await g.db.transaction(() => g.services.documents.update(g.doc, { body: edited }));
    patchTimes.push(performance.now() - t0);
    report = (res.effects[0] as { tags: TagChange[] }).tags;
    await g.db.close();
    void found;
  }

  // Harder edits, for the record: every paragraph in reverse order; the body replaced outright.
  const reversed = new CodePointText(body.split('\r\n\r\n').reverse().join('\r\n\r\n'));
  const replaced = new CodePointText(article(size, rng(99)));
  const hard = (b: CodePointText) => {
    const times: number[] = [];
    let out = reanchorAll(anchors, b, { previousBody: text });
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = reanchorAll(anchors, b, { previousBody: text });
      times.push(performance.now() - t0);
    }
    const c: Record<string, number> = {};
    for (const x of out) c[x.status] = (c[x.status] ?? 0) + 1;
    return {
      ms: median(times),
      counts: Object.entries(c)
        .map(([k, v]) => `${v} ${k}`)
        .join(', '),
    };
  };
  const hardReversed = hard(reversed),
    hardReplaced = hard(replaced);

  // Where did the tags go, against the truth of the edit?
  const byId = new Map(report.map((x) => [x.id, x]));
  const counts: Record<string, number> = { anchored: 0, moved: 0, fuzzy: 0, orphaned: 0 };
  let exactRight = 0,
    intact = 0,
    intactLost = 0,
    wrong = 0,
    naiveWrong = 0,
    naiveMissed = 0;
  anchors.forEach((a, k) => {
    const x = byId.get(k + 1)!;
    counts[x.status]++;
    const went = Array.from({ length: a.end - a.start }, (_, j) => where.get(a.start + j));
    const isIntact = went.every((p, j) => p !== undefined && (j === 0 || p === went[j - 1]! + 1));
    const naiveAt = edited.indexOf(a.exact);
    const naiveStart = naiveAt < 0 ? -1 : editedText.toCodePoint(naiveAt);
    if (isIntact) {
      intact++;
      if (x.status === 'orphaned') intactLost++;
      else if (x.start === went[0] && x.end === went[0]! + went.length) exactRight++;
      else if (x.status !== 'fuzzy') wrong++;
      if (naiveStart < 0) naiveMissed++;
      else if (naiveStart !== went[0]) naiveWrong++;
    } else {
      if (x.status !== 'orphaned' && !went.some((p) => p !== undefined && p >= x.start! && p < x.end!)) wrong++;
      if (naiveStart >= 0 && !went.some((p) => p !== undefined && p >= naiveStart && p < naiveStart + went.length)) naiveWrong++;
    }
  });

  const base = median(baseTimes);
  const row = (what: string, ms: number, b: number, target?: number) =>
    `| ${what} | ${ms.toFixed(1)} | ${(ms / b).toFixed(1)}× | ${target === undefined ? '' : `≤ ${target} ms ${ms <= target ? '✅' : '❌'}`} |`;
  console.log(`${text.length} code points, ${count} tags; edited body ${editedText.length} code points; median of ${runs} runs\n`);
  console.log('| measurement | ms | × baseline | target |');
  console.log('|---|---:|---:|---|');
  console.log(row('baseline: indexOf of every quote in the edited body', base, base));
  console.log(row('re-anchor 300 tags, previous body known (diff), algorithm only', median(pureDiff), base));
  console.log(row('re-anchor 300 tags, quote search only (no previous body), algorithm only', median(pureSearch), base));
  console.log(row('re-anchor 300 tags as PATCH runs it: load, re-anchor, write back', median(hookTimes), base, 150));
  console.log(row('whole body update: validate, write, history, re-anchor 300 tags', median(patchTimes), base, 150));
  console.log(row(`harder: every paragraph reordered, algorithm only (${hardReversed.counts})`, hardReversed.ms, base));
  console.log(row(`harder: body replaced outright, algorithm only (${hardReplaced.counts})`, hardReplaced.ms, base));
  console.log('');
  console.log('| tagging | ms | × baseline |');
  console.log('|---|---:|---:|');
  const tb = median(tagBase);
  console.log(`| baseline: resolve 300 selectors against the body (no writes) | ${tb.toFixed(1)} | 1.0× |`);
  console.log(
    `| tag 300 spans through the service (resolve, hop, insert) | ${median(tagTimes).toFixed(1)} | ${(median(tagTimes) / tb).toFixed(1)}× |`,
  );
  console.log('');
  console.log(
    `outcomes: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `truth: ${intact} tags' text survived the edit unchanged; ${exactRight} of them found exactly where it went, ${intactLost} orphaned; ${wrong} tags placed where their text did not go`,
  );
  console.log(
    `baseline indexOf on the same tags: ${naiveMissed} surviving quotes missed, ${naiveWrong} found at the wrong place (a repeat, or a quote whose text was deleted)`,
  );
}
