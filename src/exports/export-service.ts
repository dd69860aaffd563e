// PROV (JSON, PROV-N, PROV-XML) and ClaimReview exports, read through the audit repository (the same projections: no
// confidential actor field is ever selected).
import type { AuditRepository } from '../audits/audit-repository.js';
import { parseStored } from '../shared/stored-json.js';
import { assemble, closeSnapshot, openSnapshot, type AuditService } from '../audits/audit-service.js';
import type { ClaimReviewJsonLd, ProvDocument } from '../generated/schema-types.js';
import type { JsonSink } from '../http/json-sink.js';
import type { AuditData } from '../audits/types.js';
import { HttpError, notFound } from '../http/problem.js';
import { claimReview, type Verdict } from './claimreview.js';
import { renderProv } from './prov-formats.js';
import type { ProvWriter } from './prov-shape.js';
import type { Organisation } from '../shared/organisation.js';
import {
  addAgents,
  addDocuments,
  addStatements,
  emptyFragment,
  provDocument,
  provPrefixes,
  SECTIONS,
  type ProvFragment,
  type Section,
} from './prov.js';

const PAGE = 100;

/** What a scoped export covers. */
export type ProvScope = { type: 'document' | 'claim'; id: number };

// Which pages feed which section of the streamed export.
const SOURCES: Record<Section, Array<'actors' | 'documents' | 'statements'>> = {
  agent: ['actors'],
  actedOnBehalfOf: ['actors'],
  entity: ['documents', 'statements'],
  wasAttributedTo: ['documents', 'statements'],
  wasDerivedFrom: ['statements'],
  hadMember: ['statements'],
};

export class ExportService {
  constructor(
    private readonly audits: AuditService,
    private readonly repo: AuditRepository,
    /** The base of every exported IRI (src/exports/iri.ts). */
    private readonly iriBase: string,
    private readonly org: Organisation,
  ) {}

  /** One document's or one claim's records: the chains that brought its statements there. */
  private async fragment(scope: ProvScope): Promise<ProvFragment> {
    if (scope.type === 'document') {
      if (!(await this.repo.document(scope.id))) throw notFound('document', scope.id);
      return this.fragmentOf(await this.audits.loadDocument(scope.id));
    }
    if (!(await this.repo.claim(scope.id))) throw notFound('claim', scope.id);
    return this.fragmentOf(await this.audits.loadClaim(scope.id));
  }

  /** A document's or a claim's export as PROV-JSON. */
  async provJson(scope: ProvScope): Promise<ProvDocument> {
    return provDocument(await this.fragment(scope), this.iriBase);
  }

  /** A document's or a claim's export as PROV-N or PROV-XML text: the same records as provJson. */
  async provText(scope: ProvScope, writer: ProvWriter): Promise<string> {
    const f = await this.fragment(scope);
    return renderProv(
      writer,
      provPrefixes(this.iriBase),
      SECTIONS.map((s) => [s, f[s]]),
    );
  }

  private async fragmentOf(data: AuditData): Promise<ProvFragment> {
    const statements = data.inScope.statements;
    const hops = data.inScope.hops;
    const docIds = new Set<number>();
    for (const id of hops) {
      const d = data.hops.get(id)!.documentId;
      if (d !== null) docIds.add(d);
    }
    const agents = new Set<number>();
    for (const id of statements) {
      const s = data.statements.get(id)!;
      agents.add(s.speakerId);
      if (s.mediumPublisherId !== null) agents.add(s.mediumPublisherId);
    }
    for (const id of hops) agents.add(data.hops.get(id)!.relayedById);
    for (const id of docIds) agents.add(data.documents.get(id)!.outletId);
    await this.completeActors(data, agents);
    const f = emptyFragment();
    addAgents(
      f,
      data,
      [...agents].sort((a, b) => a - b),
    );
    addDocuments(
      f,
      data,
      [...docIds].sort((a, b) => a - b),
    );
    addStatements(f, data, statements, hops);
    return f;
  }

  /** Adds to `agents` everyone they act for, reading actors not loaded yet (document outlets). */
  private async completeActors(data: AuditData, agents: Set<number>): Promise<void> {
    const missing = [...agents].filter((id) => !data.actors.has(id));
    if (missing.length) {
      for (const a of assemble(data.scope, [], [], await this.repo.actors(missing), [], []).actors.values()) data.actors.set(a.id, a);
    }
    for (const id of [...agents]) {
      for (
        let cur = data.actors.get(id)?.actsForId ?? null;
        cur !== null && !agents.has(cur);
        cur = data.actors.get(cur)?.actsForId ?? null
      )
        agents.add(cur);
    }
  }

  /** The whole database in one serialisation, written section by section over pages of a read snapshot. */
  async streamProv(sink: JsonSink, writer: ProvWriter): Promise<void> {
    const snapshot = await openSnapshot(this.repo.db);
    const repo = snapshot ? this.repo.on(snapshot) : this.repo;
    try {
      sink.write(writer.open(provPrefixes(this.iriBase)));
      for (const section of SECTIONS) {
        sink.write(writer.openSection(section));
        let n = 0;
        for (const source of SOURCES[section]) {
          for (let after = 0; ; ) {
            const ids =
              source === 'actors'
                ? await repo.actorIdsAfter(after, PAGE)
                : source === 'documents'
                  ? await repo.documentIdsAfter(after, PAGE)
                  : await repo.statementIdsAfter(after, PAGE);
            if (ids.length === 0) break;
            after = ids[ids.length - 1];
            const f = await this.page(repo, source, ids);
            for (const [key, value] of f[section]) sink.write(writer.record(section, key, value, n++));
            await sink.drain();
          }
        }
        sink.write(writer.closeSection(section));
      }
      sink.write(writer.close());
      await sink.end();
    } finally {
      if (snapshot) await closeSnapshot(snapshot);
    }
  }

  private async page(repo: AuditRepository, source: 'actors' | 'documents' | 'statements', ids: number[]): Promise<ProvFragment> {
    const f = emptyFragment();
    if (source === 'statements') {
      const data = await this.audits.loadStatements(ids, repo);
      addStatements(f, data, ids, new Set(data.hops.keys()));
      return f;
    }
    const data = assemble({ type: 'all', id: null }, [], [], source === 'actors' ? await repo.actors(ids) : [], [], []);
    if (source === 'actors') addAgents(f, data, ids);
    else {
      for (const d of await repo.documents(ids))
        data.documents.set(d.id, { id: d.id, title: d.title, url: d.url, outletId: d.outlet_id, publishedOn: d.published_on });
      addDocuments(f, data, ids);
    }
    return f;
  }

  async claimReview(id: number): Promise<ClaimReviewJsonLd> {
    const claim = await this.repo.claim(id);
    if (!claim) throw notFound('claim', id);
    if (!claim.verdict || claim.verdict === 'null') {
      throw new HttpError(
        409,
        'no-verdict',
        'The claim has no verdict',
        `Claim ${id} has no verdict yet: a ClaimReview reviews a verdict. Give the claim one (PATCH /v1/claims/${id}) first.`,
      );
    }
    const data = await this.audits.loadClaim(id);
    const outlets = new Set([...data.documents.values()].map((d) => d.outletId));
    await this.completeActors(data, outlets);
    return claimReview(claim, parseStored<Verdict>(claim.verdict, 'claim', id, 'verdict'), data, this.iriBase, this.org);
  }
}
