// Loading annotated articles: the repo's own set (bench/attributions/corpus/<name>.txt + <name>.ann) and, when
// present, a PolNeAR split laid out as <split>/text/<name>.txt + <split>/attributions/<name>_<annotator>.ann.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnn, type ScoredAttribution } from './brat.js';

/** One gold annotation of one article (an article with two annotators is two documents sharing `article`). */
export interface GoldDocument {
  article: string;
  annotator: string | null;
  text: string;
  attributions: ScoredAttribution[];
  problems: string[];
}

export const OWN_CORPUS = new URL('./corpus/', import.meta.url);

/** The repo's own annotated set: every `<name>.txt` with its `<name>.ann`. */
export function loadOwnSet(dir: string | URL = OWN_CORPUS): GoldDocument[] {
  const path = dir instanceof URL ? dir.pathname : dir;
  return readdirSync(path)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const article = f.slice(0, -4);
      const text = readFileSync(join(path, f), 'utf8');
      const annPath = join(path, `${article}.ann`);
      if (!existsSync(annPath)) return { article, annotator: null, text, attributions: [], problems: [`${article}.ann is missing`] };
      const { attributions, problems } = parseAnn(readFileSync(annPath, 'utf8'), text);
      return { article, annotator: null, text, attributions, problems };
    });
}

/**
 * One PolNeAR split. `limit` takes that many articles spread evenly over the (publisher-ordered) list, so a short
 * run still sees every publisher. Every annotator's file of a chosen article is loaded.
 */
export function loadPolnearSplit(root: string, split: string, limit?: number): GoldDocument[] {
  const textDir = join(root, split, 'text');
  const annDir = join(root, split, 'attributions');
  const articles = readdirSync(textDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
  const chosen =
    limit && limit < articles.length
      ? Array.from({ length: limit }, (_, i) => articles[Math.floor((i * articles.length) / limit)])
      : articles;
  const byArticle = new Map<string, string[]>();
  for (const f of readdirSync(annDir).filter((f) => f.endsWith('.ann'))) {
    const m = /^(.*)_([^_]+)\.ann$/.exec(f);
    if (!m) continue;
    byArticle.set(m[1], [...(byArticle.get(m[1]) ?? []), m[2]]);
  }
  const docs: GoldDocument[] = [];
  for (const article of chosen) {
    const text = readFileSync(join(textDir, `${article}.txt`), 'utf8');
    for (const annotator of (byArticle.get(article) ?? []).sort()) {
      const { attributions, problems } = parseAnn(readFileSync(join(annDir, `${article}_${annotator}.ann`), 'utf8'), text);
      docs.push({ article, annotator, text, attributions, problems });
    }
  }
  return docs;
}
