import { createHash } from 'node:crypto';
import type { BundleService } from '../bundles/bundle-service.js';
import type { DocumentService } from '../documents/document-service.js';
import type {
  AttributionSuggestion,
  AttributionSuggestions,
  Bundle,
  BundleActor,
  BundleRef,
  BundleRelay,
  SuggestedActor,
  SuggestedHop,
  SuggestionAccept,
  SuggestionAcceptResult,
} from '../generated/schema-types.js';
import { unprocessable } from '../http/problem.js';
import type { SearchService } from '../search/search-service.js';
import { AUTO_MATCH, actorKey, proposeActor, suggestActor } from './actor-proposal.js';
import { extractAttributions } from './extract.js';
import { isKnownOutlet } from './lexicon.js';
import { relayHedge, statementForm, statementKind, statementText, unquoted } from './statement-proposal.js';
import type { SuggestionRepository } from './suggestion-repository.js';
import type { Attribution } from './types.js';

export interface SuggestionServices {
  documents: DocumentService;
  search: SearchService;
  bundles: BundleService;
}

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Shared words over the longer text's words: 1 for the same words, whatever the punctuation. */
function similarity(a: string, b: string): number {
  const wa = words(a);
  const wb = new Set(words(b));
  if (!wa.length || !wb.size) return 0;
  const shared = new Set(wa.filter((w) => wb.has(w))).size;
  return shared / Math.max(new Set(wa).size, wb.size);
}

/** The words that attribute: source and cue together when they sit side by side ("Kremlin spokesman Dmitry Peskov said"). */
function phrase(body: string[], a: Attribution): string | null {
  const spans = [...(a.cue ? [a.cue] : []), ...a.sources];
  if (!spans.length) return null;
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  const text = end - start <= 200 ? body.slice(start, end).join('') : (a.cue?.text ?? a.sources[0].text);
  return text.replace(/\s+/g, ' ').trim().slice(0, 500) || null;
}

const namespaceOf = (documentId: number) => `suggestions.document-${documentId}`;
const hex = (id: string) => id.slice(3);

export class SuggestionService {
  constructor(
    private readonly repo: SuggestionRepository,
    private readonly s: SuggestionServices,
  ) {}

  async suggest(documentId: number): Promise<AttributionSuggestions> {
    const doc = await this.s.documents.get(documentId);
    const body = doc.body ?? '';
    const namespace = namespaceOf(documentId);
    const ours = await this.repo.namespaceRecords(namespace);
    const outlet = await this.repo.actor(doc.outlet_id);
    const tags = await this.repo.anchoredTags(documentId);
    const attributions = extractAttributions(body);
    const cps = Array.from(body);
    const byCue = new Map<number, Attribution>();
    for (const a of attributions) if (a.cue) byCue.set(a.cue.start, a);

    const documentHop = (): SuggestedActor => ({
      proposed: { kind: 'outlet', identityStatus: 'named', name: outlet?.name ?? 'this outlet' },
      match: outlet
        ? { id: outlet.id, name: outlet.name, description: outlet.description, identityStatus: outlet.identityStatus, score: 1, by: 'name' }
        : null,
    });

    const suggestions: AttributionSuggestion[] = [];
    for (const a of attributions) {
      if (a.contents.length === 0) continue;
      {
        const id = `sg_${createHash('sha256')
          .update(`${documentId}|${a.cue?.start ?? -1}|${a.contents.map((c) => `${c.start}-${c.end}`).join(',')}`)
          .digest('hex')
          .slice(0, 16)}`;
        const selector = unquoted(a.contents[0]);
        const text = statementText(a);
        const speakerOutlet = a.speaker.identityStatus === 'named' && !!a.speaker.name && isKnownOutlet(a.speaker.name);
        const speaker = await suggestActor(this.repo, namespace, proposeActor(a.speaker, speakerOutlet), ours);

        const parents = a.via.map((v) => (v.cue ? byCue.get(v.cue.start) : undefined));
        const mode = a.textForm === 'quote' ? 'verbatim' : 'paraphrase';
        const hops: SuggestedHop[] = [];
        for (const [k, v] of a.via.entries()) {
          const parent = parents[k];
          const proposed = parent
            ? proposeActor(parent.speaker, isKnownOutlet(v.name))
            : proposeActor({ identityStatus: 'named', name: v.name }, isKnownOutlet(v.name));
          const attributing = k === 0 ? a : parents[k - 1];
          hops.push({
            relayedBy: await suggestActor(this.repo, namespace, proposed, ours),
            cue: attributing ? phrase(cps, attributing) : (a.via[k - 1]?.cue?.text ?? null),
            hedge: relayHedge(attributing?.hedge),
            mode,
            firstHand: k === 0,
            inThisDocument: false,
          });
        }
        const last = a.via.length ? parents[a.via.length - 1] : a;
        hops.push({
          relayedBy: documentHop(),
          cue: last ? phrase(cps, last) : (a.via[a.via.length - 1].cue?.text ?? null),
          hedge: relayHedge(last?.hedge),
          mode,
          firstHand: a.via.length === 0,
          inThisDocument: true,
        });

        const existingTag = tags.find((t) => t.start < selector.end && selector.start < t.end) ?? null;
        const statementMatch = await this.matchStatement(text, namespace, ours);
        const status =
          existingTag && !ours.has(`tag:${existingTag.id}`)
            ? 'tagged'
            : statementMatch || (speaker.match && speaker.match.score >= AUTO_MATCH && speaker.match.by !== 'accepted')
              ? 'matches'
              : 'new';
        suggestions.push({
          id,
          status,
          confidence: a.confidence,
          attribution: a,
          tag: { selector, existingTagId: existingTag?.id ?? null },
          statement: { proposed: { text, textForm: statementForm(a), kind: statementKind(a, text) }, match: statementMatch },
          speaker,
          hops,
        });
      }
    }
    return { documentId, suggestions };
  }

  /** An existing statement with the same words, found through search; never one these suggestions wrote. */
  private async matchStatement(text: string, namespace: string, ours: Set<string>): Promise<AttributionSuggestion['statement']['match']> {
    const key = `st-${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
    if ((await this.repo.keyed(namespace, 'statement', key)) !== undefined) return null;
    let hits: { id: number; text: string }[];
    try {
      hits = (await this.s.search.search({ q: text.slice(0, 2000), limit: 5 })).items.map((h) => ({
        id: h.statement.id,
        text: h.statement.text,
      }));
    } catch {
      return null;
    }
    let best: { id: number; text: string; score: number } | null = null;
    for (const h of hits) {
      if (ours.has(`statement:${h.id}`)) continue;
      const score = Math.round(similarity(text, h.text) * 100) / 100;
      if (score >= 0.8 && (!best || score > best.score)) best = { ...h, score };
    }
    return best;
  }

  /** Writes the chosen suggestions as one bundle, in the caller's transaction; the same choice again creates nothing. */
  async accept(documentId: number, input: SuggestionAccept): Promise<SuggestionAcceptResult> {
    const { suggestions } = await this.suggest(documentId);
    const byId = new Map(suggestions.map((s) => [s.id, s]));
    input.accept.forEach((c, i) => {
      if (!byId.has(c.id)) {
        throw unprocessable(`/accept/${i}/id: no suggestion ${c.id} for this document's current body; ask for suggestions again.`, [
          { in: 'body', pointer: `/accept/${i}/id`, message: 'is not a suggestion for the current body' },
        ]);
      }
    });
    const namespace = namespaceOf(documentId);
    const actors = new Map<string, BundleActor>();
    const bundle: Required<Pick<Bundle, 'statements' | 'relays' | 'tags'>> & Bundle = { namespace, statements: [], relays: [], tags: [] };
    const accepted: string[] = [];
    const skipped: SuggestionAcceptResult['skipped'] = [];
    const seen = new Set<string>();

    // An actor these suggestions made is named by its key again, so the bundle stays the same; a strong match by its id.
    const refFor = (a: SuggestedActor): BundleRef =>
      a.match && a.match.by !== 'accepted' && a.match.score >= AUTO_MATCH ? a.match.id : this.keep(actors, a);

    for (const choice of input.accept) {
      if (seen.has(choice.id)) continue;
      seen.add(choice.id);
      const s = byId.get(choice.id)!;
      if (s.status === 'tagged') {
        skipped.push({ id: s.id, reason: `tag ${s.tag.existingTagId} already covers this span` });
        continue;
      }
      accepted.push(s.id);
      const h = hex(s.id);
      const speaker: BundleRef = choice.speakerId ?? refFor(s.speaker);
      const existingStatement = choice.statementId ?? s.statement.match?.id;
      let statement: BundleRef;
      if (existingStatement !== undefined) statement = existingStatement;
      else {
        statement = `st-${createHash('sha256').update(s.statement.proposed.text).digest('hex').slice(0, 20)}`;
        bundle.statements.push({
          key: statement,
          speaker,
          text: s.statement.proposed.text,
          textForm: s.statement.proposed.textForm,
          kind: choice.kind ?? s.statement.proposed.kind,
          language: 'en',
        });
      }
      const newStatement = typeof statement === 'string';
      let via: string | null = null;
      for (const [k, hop] of s.hops.entries()) {
        const own = hop.inThisDocument;
        // An existing statement keeps its earlier hops; only this document's hop is added, if missing.
        if (!newStatement && (!own || (await this.repo.documentHopExists(statement as number, documentId)))) continue;
        const relay: BundleRelay = {
          key: `r-${h}-${own ? 'doc' : k}`,
          statement,
          relayedBy: own ? (hop.relayedBy.match?.id ?? refFor(hop.relayedBy)) : refFor(hop.relayedBy),
          mode: hop.mode,
          firstHand: newStatement ? hop.firstHand : false,
          cue: (own ? choice.cue : undefined) ?? hop.cue,
          hedge: (own ? choice.hedge : undefined) ?? hop.hedge,
          ...(via && newStatement ? { via } : {}),
          ...(own ? { document: documentId } : {}),
        };
        bundle.relays.push(relay);
        via = relay.key;
      }
      const { start, end, exact } = s.tag.selector;
      bundle.tags.push({ key: `t-${h}`, document: documentId, statement, selector: { start, end, exact } });
    }
    bundle.actors = [...actors.values()];
    const result = await this.s.bundles.apply(bundle);
    return { documentId, accepted, skipped, result };
  }

  private keep(actors: Map<string, BundleActor>, a: SuggestedActor): string {
    const key = actorKey(a.proposed);
    actors.set(key, { key, ...a.proposed });
    return key;
  }
}
