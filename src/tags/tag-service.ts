import type {
  ActorSummary,
  Tag,
  TagChange,
  TagCreate2,
  TagHopInput,
  TagList,
  TagStatementInput,
  TagUpdate2,
} from '../generated/schema-types.js';
import { conflict, HttpError, notFound, rebased, unprocessable, validationFailed, type FieldError } from '../http/problem.js';
import { nowIso } from '../shared/partial-date.js';
import type { ActorService } from '../actors/actor-service.js';
import type { DocumentService } from '../documents/document-service.js';
import type { RelayService } from '../relays/relay-service.js';
import type { StatementService } from '../statements/statement-service.js';
import { CodePointText, describeSpan, reanchorAll, resolveSelector, type ResolveResult, type TextAnchor } from './anchoring.js';
import type { AnnotationView, TagRepository, TagView, TagAnchorUpdate } from './tag-repository.js';
import { actorSummaryToApi } from '../actors/actor-service.js';

export type TagStatus = Tag['status'];

export interface TagServices {
  documents: DocumentService;
  statements: StatementService;
  actors: ActorService;
  relays: RelayService;
}

export const speakerOf = (v: TagView): ActorSummary => actorSummaryToApi(v, 'speaker_');

export function tagToApi(v: TagView): Tag {
  return {
    id: v.id,
    documentId: v.document_id,
    statementId: v.statement_id,
    relayId: v.relay_id,
    status: v.status as TagStatus,
    score: v.score,
    start: v.start,
    end: v.end,
    exact: v.exact,
    prefix: v.prefix,
    suffix: v.suffix,
    quote: v.quote,
    speaker: speakerOf(v),
    createdAt: v.created_at,
    modifiedAt: v.modified_at,
  };
}

const selectorError = (field: string, message: string): FieldError => ({ in: 'body', pointer: `/selector/${field}`, message });

export class TagService {
  /** Tagging a long article span by span reads the same body again and again: decode it once. */
  private lastText: CodePointText | null = null;

  constructor(
    private readonly repo: TagRepository,
    private readonly s: TagServices,
    /** Least similarity to the quote that still counts as the tag (`fuzzy`); below it, `orphaned`. */
    private readonly minScore = 0.75,
  ) {}

  async get(id: number): Promise<TagView> {
    const v = await this.repo.get(id);
    if (!v) throw notFound('tag', id);
    return v;
  }

  /** A document's tags as stored, with speakers, in text order (orphans last). */
  views(documentId: number): Promise<TagView[]> {
    return this.repo.listForDocument(documentId);
  }

  /** A document's tags as its annotations read them (statement language, creating key). */
  annotationViews(documentId: number): Promise<AnnotationView[]> {
    return this.repo.annotationViews(documentId);
  }

  async list(documentId: number, status?: TagStatus): Promise<TagList> {
    await this.s.documents.get(documentId);
    const items = (await this.repo.listForDocument(documentId, status)).map(tagToApi);
    const counts = { anchored: 0, moved: 0, fuzzy: 0, orphaned: 0, ...(await this.repo.countsForDocument(documentId)) };
    return { documentId, total: items.length, counts, items };
  }

  /** Tags a span, creating the statement (and speaker) and this document's hop as needed. */
  async create(documentId: number, input: TagCreate2): Promise<Tag> {
    // The one rule of the body's shape the schema leaves to us (a oneOf there would not survive OpenAPI tooling).
    if (input.statement && (input.statement.speaker === undefined) === (input.statement.speakerId === undefined)) {
      throw validationFailed(
        [{ in: 'body', pointer: '/statement', message: 'must have exactly one of speakerId and speaker' }],
        'Invalid body: /statement must have exactly one of speakerId and speaker.',
      );
    }
    const doc = await this.s.documents.get(documentId);
    if (!doc.body) {
      throw unprocessable(`Document ${documentId} has no body to tag; give it one first (PATCH /v1/documents/${documentId}).`, [
        { in: 'body', pointer: '/selector', message: 'the document has no body' },
      ]);
    }
    const body = this.textOf(doc.body);
    const anchor = this.resolve(body, input.selector);
    const created = { statement: false, speaker: false, relay: false };

    let statementId: number;
    if (input.statementId !== undefined) {
      statementId = input.statementId;
      if (!(await this.statementExists(statementId))) {
        throw unprocessable(`statementId ${statementId} is not a statement.`, [
          { in: 'body', pointer: '/statementId', message: 'must be the id of an existing statement' },
        ]);
      }
    } else {
      statementId = await this.createStatement(input.statement!, anchor.exact, created);
    }
    const relayId = await this.hopFor(statementId, doc.id, doc.outlet_id, input, created);

    const now = nowIso();
    const id = await this.repo.insert({
      document_id: doc.id,
      statement_id: statementId,
      relay_id: relayId,
      start: anchor.start,
      end: anchor.end,
      exact: anchor.exact,
      prefix: anchor.prefix,
      suffix: anchor.suffix,
      quote: anchor.exact,
      status: 'anchored',
      score: 1,
      created_at: now,
      modified_at: now,
      anchored_at: now,
    });
    return { ...tagToApi((await this.repo.get(id))!), created };
  }

  /**
   * Repairs a tag after a body edit: re-anchors it at a span of the current body, or accepts the text a
   * fuzzy or moved match found. The text at the span becomes the quote, so later edits are measured
   * against what a person confirmed, not against the text first tagged (the history keeps that).
   */
  async repair(id: number, input: TagUpdate2): Promise<Tag> {
    const tag = await this.get(id);
    let anchor: TextAnchor;
    if (input.selector) {
      const doc = await this.s.documents.get(tag.document_id);
      if (!doc.body) {
        throw unprocessable(`Document ${tag.document_id} has no body to anchor the tag in.`, [
          { in: 'body', pointer: '/selector', message: 'the document has no body' },
        ]);
      }
      anchor = this.resolve(this.textOf(doc.body), input.selector);
    } else {
      if (tag.status === 'orphaned' || tag.start === null || tag.end === null) {
        throw conflict(`Tag ${id} is orphaned: there is no match to accept; re-anchor it with a selector on the current text.`, {
          errors: [{ in: 'body', pointer: '/accept', message: 'the tag is orphaned; give a selector instead' }],
        });
      }
      anchor = { start: tag.start, end: tag.end, exact: tag.exact, prefix: tag.prefix, suffix: tag.suffix };
    }
    const unchanged = tag.status === 'anchored' && tag.start === anchor.start && tag.end === anchor.end && tag.quote === anchor.exact;
    if (!unchanged) {
      const now = nowIso();
      await this.repo.repair(id, { ...anchor, quote: anchor.exact, status: 'anchored', score: 1, modified_at: now, anchored_at: now });
    }
    return tagToApi(await this.get(id));
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.repo.delete(id);
  }

  /**
   * The body-change hook: re-anchors every tag of the document (one query to load, one to write),
   * keeps orphans, and reports what happened to each tag, in text order.
   */
  async reanchorDocument(documentId: number, oldBody: string | null, newBody: string | null): Promise<{ tags: TagChange[] }> {
    const rows = await this.repo.anchorsForDocument(documentId);
    if (rows.length === 0) return { tags: [] };
    const next = new CodePointText(newBody ?? '');
    const previous = oldBody ? new CodePointText(oldBody) : null;
    const results = reanchorAll(rows, next, { previousBody: previous, minScore: this.minScore });
    const now = nowIso();
    const updates: TagAnchorUpdate[] = [];
    const changes: TagChange[] = rows.map((r, i) => {
      const res = results[i];
      const placed = res.status === 'orphaned' ? null : describeSpan(next, res.start!, res.end!);
      const selector = placed ?? { start: null, end: null, exact: r.exact, prefix: r.prefix, suffix: r.suffix };
      const selectorMoved =
        selector.start !== r.start ||
        selector.end !== r.end ||
        selector.exact !== r.exact ||
        selector.prefix !== r.prefix ||
        selector.suffix !== r.suffix;
      if (selectorMoved || res.status !== r.status || res.score !== r.score) {
        updates.push({
          id: r.id,
          ...selector,
          status: res.status,
          score: res.score,
          modified_at: now,
          // Since when the stored text has stood in the body: an orphan keeps the time its text was last found.
          anchored_at: placed && selectorMoved ? now : r.anchored_at,
        });
      }
      return {
        id: r.id,
        status: res.status,
        score: res.score,
        start: res.start,
        end: res.end,
        exact: res.exact,
        previous: { status: r.status as TagStatus, start: r.start, end: r.end, exact: r.exact },
      };
    });
    await this.repo.updateAnchors(updates);
    changes.sort(
      (a, b) =>
        (a.start === null ? 1 : 0) - (b.start === null ? 1 : 0) ||
        (a.start ?? 0) - (b.start ?? 0) ||
        (a.end ?? 0) - (b.end ?? 0) ||
        a.id - b.id,
    );
    return { tags: changes };
  }

  private textOf(body: string): CodePointText {
    if (this.lastText?.text !== body) this.lastText = new CodePointText(body);
    return this.lastText;
  }

  private resolve(body: CodePointText, selector: TagCreate2['selector']): TextAnchor {
    const r: ResolveResult = resolveSelector(body, selector);
    if (r.ok) return r.anchor;
    const { start, end, exact } = selector;
    const n = body.length;
    const len = exact === undefined ? 0 : [...exact].length;
    // The span the selector names, as resolveSelector reads it: one offset plus the quote pins the other.
    const s = start ?? (end ?? 0) - len,
      e = end ?? (start ?? 0) + len;
    const holds = (a: number, b: number) => ({ start: a, end: b, text: body.slice(a, b) });
    switch (r.reason) {
      case 'out_of_range': {
        // Show how long the body is and what it holds in the part of the range that exists.
        const field = s < 0 ? (start === undefined ? 'end' : 'start') : end === undefined ? 'start' : 'end';
        const a = Math.min(Math.max(s, 0), n),
          b = Math.min(Math.max(e, a), n);
        throw unprocessable(
          `The span [${s}, ${e}) lies outside the body, which is ${n} code points long (offsets count code points).`,
          [
            selectorError(
              field,
              s < 0 ? 'would put the span before the start of the body' : `must keep the span within the body's ${n} code points`,
            ),
          ],
          { bodyLength: n, found: holds(a, b) },
        );
      }
      case 'end_before_start':
        throw unprocessable(`The span ends (${e}) before it starts (${s}).`, [selectorError('end', 'must not be less than start')], {
          bodyLength: n,
          found: holds(Math.min(e, n), Math.min(s, n)),
        });
      case 'empty':
        throw unprocessable(
          'The span is empty: give start < end, or a non-empty exact text.',
          [selectorError(exact === '' || start === undefined ? 'exact' : 'end', 'must select at least one character')],
          { bodyLength: n },
        );
      case 'mismatch': {
        const found = describeSpan(body, s, e);
        const cps = (t: string) => [...t].length;
        const field =
          exact !== undefined && found.exact !== exact
            ? 'exact'
            : selector.prefix !== undefined && body.slice(s - cps(selector.prefix), s) !== selector.prefix
              ? 'prefix'
              : 'suffix';
        const detail =
          field === 'exact'
            ? `The body does not hold the given text at [${s}, ${e}): it holds ${JSON.stringify(found.exact)}.`
            : `The body holds the text at [${s}, ${e}), but not with the given ${field}.`;
        throw unprocessable(detail, [selectorError(field, `does not match the body at [${s}, ${e})`)], {
          bodyLength: n,
          found: { start: s, end: e, text: found.exact, prefix: found.prefix, suffix: found.suffix },
        });
      }
      case 'not_found':
        throw unprocessable(
          selector.prefix !== undefined || selector.suffix !== undefined
            ? 'The exact text, with that prefix and suffix, is not in the body.'
            : 'The exact text is not in the body.',
          [selectorError('exact', 'is not in the body (code points must match exactly, line endings included)')],
          { bodyLength: n },
        );
      case 'ambiguous':
        throw conflict(
          `The exact text occurs ${r.candidates!.length} times in the body; give start/end, or a prefix or suffix that tells them apart.`,
          {
            errors: [selectorError('exact', `occurs ${r.candidates!.length} times`)],
            candidates: r.candidates,
          },
        );
    }
  }

  private async statementExists(id: number): Promise<boolean> {
    try {
      await this.s.statements.get(id);
      return true;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return false;
      throw err;
    }
  }

  private async createStatement(
    st: TagStatementInput,
    taggedText: string,
    created: { statement: boolean; speaker: boolean },
  ): Promise<number> {
    const { speaker, speakerId, ...fields } = st;
    let speakerRef = speakerId;
    if (speaker) {
      speakerRef = await rebased(async () => (await this.s.actors.create(speaker)).id, { prefix: '/statement/speaker' });
      created.speaker = true;
    }
    const id = await rebased(
      async () => (await this.s.statements.create({ ...fields, text: st.text ?? taggedText, speakerId: speakerRef! } as never)).id,
      {
        prefix: '/statement',
      },
    );
    created.statement = true;
    return id;
  }

  /** A named earlier hop must exist and carry the same statement, whether or not the hop is new. */
  private async checkVia(statementId: number, viaRelayId: number): Promise<void> {
    let via: Awaited<ReturnType<typeof this.s.relays.get>>;
    try {
      via = await this.s.relays.get(viaRelayId);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        throw unprocessable(`viaRelayId ${viaRelayId} is not a relay.`, [
          { in: 'body', pointer: '/viaRelayId', message: 'must be the id of an existing relay' },
        ]);
      }
      throw err;
    }
    if (via.statement_id !== statementId) {
      throw unprocessable(`Relay ${viaRelayId} is a hop of statement ${via.statement_id}, not of statement ${statementId}.`, [
        {
          in: 'body',
          pointer: '/viaRelayId',
          message: `must be a hop of statement ${statementId}; relay ${via.id} belongs to statement ${via.statement_id}`,
        },
      ]);
    }
  }

  /** The hop this document is: relayed by its outlet, in it, via the named hop or first-hand. */
  private async hopFor(
    statementId: number,
    documentId: number,
    outletId: number,
    input: TagCreate2,
    created: { relay: boolean },
  ): Promise<number> {
    const hops = await this.repo.hopsFor(statementId, documentId, outletId);
    const wantsVia = input.viaRelayId !== undefined;
    if (input.viaRelayId != null) await this.checkVia(statementId, input.viaRelayId);
    const hop: TagHopInput = input.hop ?? {};
    if (hops.length > 0) {
      const fit = wantsVia ? hops.find((h) => h.via_relay_id === input.viaRelayId) : hops[0];
      if (!fit) {
        const h = hops[0];
        throw conflict(
          `This document's hop for statement ${statementId} (relay ${h.id}) ${h.via_relay_id === null ? 'is first-hand' : `came via relay ${h.via_relay_id}`}, not ${input.viaRelayId === null ? 'first-hand' : `via relay ${input.viaRelayId}`}; tag without viaRelayId to use it, or change the hop (PATCH /v1/relays/${h.id}).`,
          {
            errors: [{ in: 'body', pointer: '/viaRelayId', message: `disagrees with relay ${h.id}` }],
            relayId: h.id,
          },
        );
      }
      const stored: Record<string, unknown> = {
        firstHand: fit.first_hand === 1,
        mode: fit.mode,
        cue: fit.cue,
        hedge: fit.hedge,
        relayedOn: fit.relayed_on,
      };
      const differs = Object.entries(hop)
        .filter(([k, v]) => stored[k] !== v)
        .map(([k]) => k);
      if (differs.length > 0) {
        throw conflict(
          `This document's hop for statement ${statementId} (relay ${fit.id}) already exists with other ${differs.join(', ')}; leave hop out to use it as it is, or change it (PATCH /v1/relays/${fit.id}).`,
          {
            errors: differs.map((k) => ({
              in: 'body',
              pointer: `/hop/${k}`,
              message: `disagrees with relay ${fit.id}`,
              expected: stored[k],
            })),
            relayId: fit.id,
          },
        );
      }
      return fit.id;
    }
    const textForm = (await this.s.statements.get(statementId)).text_form;
    const id = await rebased(
      async () =>
        (
          await this.s.relays.create(statementId, {
            relayedById: outletId,
            documentId,
            viaRelayId: input.viaRelayId ?? null,
            ...hop,
            mode: hop.mode ?? (textForm === 'quote' ? 'verbatim' : 'paraphrase'),
          })
        ).id,
      {
        prefix: '',
        renames: { firstHand: '/hop/firstHand', mode: '/hop/mode', cue: '/hop/cue', hedge: '/hop/hedge', relayedOn: '/hop/relayedOn' },
      },
    );
    created.relay = true;
    return id;
  }
}
