// Hand-built audit data for rule tests: no database, every record in scope unless a test narrows it.
import type { AuditActor, AuditData, AuditHop, AuditStatement, AuditTag } from '../../src/audits/types.js';

/** Hand-built audit data: every record in scope unless a test narrows it. */
export class Fixture {
  private nextId = 1;
  actors = new Map<number, AuditActor>();
  statements = new Map<number, AuditStatement>();
  hops = new Map<number, AuditHop>();
  claims = new Map<number, { id: number; text: string; links: Array<{ statementId: number; stance: string }> }>();
  tags: AuditTag[] = [];
  verbatimMisses: AuditData['verbatimMisses'] = [];

  actor(a: Partial<AuditActor> = {}): number {
    const id = this.nextId++;
    this.actors.set(id, {
      id,
      kind: 'person',
      identityStatus: 'named',
      name: a.identityStatus && a.identityStatus !== 'named' ? null : `Person ${id}`,
      description: null,
      affiliation: null,
      anonymityReason: null,
      actsForId: null,
      attested: false,
      ...a,
    });
    return id;
  }

  anonymous(description: string, a: Partial<AuditActor> = {}): number {
    return this.actor({ identityStatus: 'anonymous', description, ...a });
  }

  statement(speakerId: number, s: Partial<AuditStatement> = {}): number {
    const id = this.nextId++;
    this.statements.set(id, {
      id,
      speakerId,
      text: `Statement ${id}`,
      textForm: 'quote',
      kind: 'assertion',
      saidOn: null,
      medium: null,
      mediumPublisherId: null,
      circumstances: [],
      ...s,
    });
    return id;
  }

  hop(statementId: number, relayedById: number, h: Partial<AuditHop> = {}): number {
    const id = this.nextId++;
    const via = h.viaRelayId ?? null;
    this.hops.set(id, {
      id,
      statementId,
      viaRelayId: via,
      relayedById,
      documentId: null,
      firstHand: via === null,
      mode: 'verbatim',
      cue: 'said',
      hedge: 'said',
      relayedOn: null,
      depth: via === null ? 1 : this.hops.get(via)!.depth + 1,
      ...h,
    });
    return id;
  }

  claim(text: string, links: Array<[number, string]>): number {
    const id = this.nextId++;
    this.claims.set(id, { id, text, links: links.map(([statementId, stance]) => ({ statementId, stance })) });
    return id;
  }

  tag(documentId: number, statementId: number, t: Partial<AuditTag> = {}): number {
    const id = this.nextId++;
    this.tags.push({ id, documentId, statementId, relayId: null, start: 10, end: 20, exact: 'some words', status: 'anchored', ...t });
    return id;
  }

  build(): AuditData {
    const hopsByStatement = new Map<number, AuditHop[]>();
    for (const h of [...this.hops.values()].sort((a, b) => a.depth - b.depth || a.id - b.id)) {
      hopsByStatement.set(h.statementId, [...(hopsByStatement.get(h.statementId) ?? []), h]);
    }
    const documents = new Map<number, { id: number; title: string; url: null; outletId: number; publishedOn: null }>();
    for (const d of [...this.hops.values()].map((h) => h.documentId).concat(this.tags.map((t) => t.documentId))) {
      if (d !== null) documents.set(d, { id: d, title: `Document ${d}`, url: null, outletId: 1, publishedOn: null });
    }
    // As the repository's query does: who each hop in a document had its statement from.
    const documentSources = [...this.hops.values()]
      .filter((h) => h.documentId !== null)
      .map((h) => {
        const sourceId = h.viaRelayId !== null ? this.hops.get(h.viaRelayId)!.relayedById : this.statements.get(h.statementId)!.speakerId;
        return { documentId: h.documentId!, relayerId: h.relayedById, sourceId, sourceStatus: this.actors.get(sourceId)!.identityStatus };
      });
    return {
      scope: { type: 'all', id: null },
      actors: this.actors,
      statements: this.statements,
      hops: this.hops,
      hopsByStatement,
      documents,
      claims: this.claims,
      tags: this.tags,
      documentSources,
      verbatimMisses: this.verbatimMisses,
      inScope: {
        statements: [...this.statements.keys()],
        hops: new Set(this.hops.keys()),
        actors: [...this.actors.keys()],
        claims: [...this.claims.keys()],
        tags: this.tags.map((t) => t.id),
      },
    };
  }
}
