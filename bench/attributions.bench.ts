// npm run bench -- --only=attributions [--split=dev,train|dev|train|none] [--limit=N] [--errors=N] [--polnear=DIR]
//                                     [--set=own|polnear] [--engine=naive] [--attr-rounds=5] [--attr-calls=100]
//
// Attribution extraction, measured: exact and overlap precision, recall and F1 for cue, source and content
// spans (the PolNeAR README's metrics, bench/attributions/metrics.ts) on
// - the repo's own hand-annotated set (bench/attributions/corpus/), always;
// - PolNeAR's train and dev splits, OPTIONAL: only when `--polnear=DIR` or WHOSAID_POLNEAR_DIR names the folder
//   (evaluation data kept outside the repo; the run says when it is skipped). `--split` picks the splits, `--limit` caps the
//   articles per split (spread over publishers). An article with two annotators is scored against each
//   annotation, its counts entering once per annotator. Tune on train; report dev.
// Speed: p50/p95 of extracting an 800-word article built from the own set's paragraphs, against the NLP
// library's own reading of the same text (wink-nlp's sentences, tokens and tags: what the engine builds on),
// measured call by call in interleaved rounds; medians over rounds. Target: p95 < 50 ms.
// `--errors=N` prints N missed and N spurious spans per type with their context (for tuning on train).
import { existsSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ScoredAttribution } from './attributions/brat.js';
import { type GoldDocument, loadOwnSet, loadPolnearSplit } from './attributions/corpus.js';
import { collectErrors, type ErrorItem, printErrors } from './attributions/errors.js';
import { addScores, emptyScores, prf, SPAN_TYPES, type Scores, scoreDocument } from './attributions/metrics.js';
import { naiveExtract } from './attributions/naive.js';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { extractAttributions } from '../src/attributions/extract.js';

type Extract = (text: string) => ScoredAttribution[];

function loadEngine(which: string | undefined): { label: string; extract: Extract } {
  if (which === 'naive')
    return { label: 'naive quote-and-said finder (bench/attributions/naive.ts), NOT the engine', extract: naiveExtract };
  return { label: 'extractAttributions (src/attributions/extract.ts)', extract: extractAttributions };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function printScores(s: Scores): void {
  console.log('| span | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | gold (exact) | predicted (exact) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of SPAN_TYPES) {
    const e = prf(s.exact[t]);
    const o = prf(s.overlap[t]);
    console.log(
      `| ${t} | ${pct(e.precision)} | ${pct(e.recall)} | ${pct(e.f1)} | ${pct(o.precision)} | ${pct(o.recall)} | ${pct(o.f1)} | ${s.exact[t].gold} | ${s.exact[t].pred} |`,
    );
  }
}

function evaluate(label: string, docs: GoldDocument[], extract: Extract, errors: number): void {
  const problems = docs.flatMap((d) => d.problems.map((p) => `${d.article}${d.annotator ? `_${d.annotator}` : ''}: ${p}`));
  const predicted = new Map<string, ScoredAttribution[]>();
  const texts = new Map<string, string>();
  const total = emptyScores();
  const items: ErrorItem[] = [];
  const t0 = performance.now();
  for (const d of docs) {
    if (!predicted.has(d.article)) predicted.set(d.article, extract(d.text));
    texts.set(d.article, d.text);
    const pred = predicted.get(d.article)!;
    addScores(total, scoreDocument(d.text, d.attributions, pred));
    if (errors > 0) items.push(...collectErrors(d, pred));
  }
  const ms = performance.now() - t0;
  const gold = docs.reduce((n, d) => n + d.attributions.length, 0);
  console.log(
    `\n### ${label}: ${predicted.size} articles, ${docs.length} annotations, ${gold} gold attributions (${(ms / 1000).toFixed(1)} s)`,
  );
  // PolNeAR's spans are already checked to lie in their texts; the few lines brat broke at a newline are reported, not fatal.
  if (problems.length) console.log(`annotation problems (${problems.length}), first: ${problems[0].slice(0, 200)}…`);
  printScores(total);
  if (errors > 0) printErrors(items, texts, errors);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** About 800 words of the own set's prose, whole paragraphs from several articles, headlines left out. */
export function article800(docs: GoldDocument[]): string {
  const paras = docs.flatMap((d) => d.text.split(/\n\s*\n/).slice(1));
  const out: string[] = [];
  let words = 0;
  for (let i = 0; words < 800 && paras.length; i++) {
    const p = paras[(i * 7) % paras.length];
    const n = p.split(/\s+/).filter(Boolean).length;
    if (words + n > 830 && words >= 760) break;
    out.push(p);
    words += n;
  }
  return out.join('\n\n');
}

/** What the engine builds on: wink-nlp reading the text with the engine's pipeline (sentences, tokens, tags). */
function winkBaseline(): { label: string; read: (text: string) => unknown } {
  const nlp = winkNLP(model, ['sbd', 'pos']);
  return {
    label: "wink-nlp's readDoc with the engine's pipeline (sentences, tokens, POS tags)",
    read: (t) => nlp.readDoc(t).tokens().out(nlp.its.pos),
  };
}

async function speed(docs: GoldDocument[], extract: Extract, rounds: number, calls: number): Promise<void> {
  const text = article800(docs);
  const words = text.split(/\s+/).filter(Boolean).length;
  const baseline = winkBaseline();
  for (let i = 0; i < 5; i++) {
    extract(text);
    baseline.read(text);
  }
  const p50 = { engine: [] as number[], base: [] as number[] };
  const p95 = { engine: [] as number[], base: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const e: number[] = [];
    const b: number[] = [];
    for (let c = 0; c < calls; c++) {
      // Alternate which goes first so neither always runs on a warmer cache.
      const order = (r + c) % 2 === 0 ? ['e', 'b'] : ['b', 'e'];
      for (const o of order) {
        const t = performance.now();
        if (o === 'e') extract(text);
        else baseline.read(text);
        (o === 'e' ? e : b).push(performance.now() - t);
      }
    }
    p50.engine.push(quantile(e, 0.5));
    p95.engine.push(quantile(e, 0.95));
    p50.base.push(quantile(b, 0.5));
    p95.base.push(quantile(b, 0.95));
  }
  const [e50, e95, b50, b95] = [median(p50.engine), median(p95.engine), median(p50.base), median(p95.base)];
  // Two cores are shared with other work: the load says how much a p95 may owe to waiting for a core.
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`\n### speed: one ${words}-word article, ${rounds} interleaved rounds × ${calls} calls, medians over rounds`);
  console.log(`load average before: ${load} on ${os.cpus().length} cores`);
  console.log(`baseline: ${baseline.label}`);
  console.log('| | p50 | p95 |');
  console.log('| --- | --- | --- |');
  console.log(`| extraction | ${e50.toFixed(2)} ms | ${e95.toFixed(2)} ms |`);
  console.log(`| baseline | ${b50.toFixed(2)} ms | ${b95.toFixed(2)} ms |`);
  console.log(`| ratio | ${(e50 / b50).toFixed(2)}× | ${(e95 / b95).toFixed(2)}× |`);
  console.log(`target p95 < 50 ms: ${e95 < 50 ? 'met' : 'NOT met'}`);
}

export async function run(args: Record<string, string>): Promise<void> {
  const engine = loadEngine(args.engine);
  const errors = Number(args.errors ?? 0);
  const limit = args.limit ? Number(args.limit) : undefined;
  const sets = (args.set ?? 'own,polnear').split(',');
  const splits = (args.split ?? 'dev,train').split(',').filter((s) => s !== 'none');
  console.log(`scoring: ${engine.label}`);
  const own = loadOwnSet();
  if (sets.includes('own')) evaluate('own set (bench/attributions/corpus)', own, engine.extract, errors);
  if (sets.includes('polnear') && splits.length) {
    const root = args.polnear ?? process.env.WHOSAID_POLNEAR_DIR;
    if (!root) console.log('\n### PolNeAR: skipped (optional corpus: name its folder with --polnear=DIR or WHOSAID_POLNEAR_DIR)');
    else if (!existsSync(root)) console.log(`\n### PolNeAR: skipped (optional corpus: ${root} is not present)`);
    else
      for (const split of splits)
        evaluate(`PolNeAR ${split} (optional corpus)`, loadPolnearSplit(root, split, limit), engine.extract, errors);
  }
  await speed(own, engine.extract, Number(args['attr-rounds'] ?? 5), Number(args['attr-calls'] ?? 100));
}
