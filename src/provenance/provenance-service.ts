import { actorSummaryToApi } from '../actors/actor-service.js';
import type { ActorSummary, Provenance, ProvenanceHop } from '../generated/schema-types.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { statementToApi } from '../statements/statement-service.js';
import type { HopRow, ProvenanceRepository } from './provenance-repository.js';

export class ProvenanceService {
  constructor(private readonly repo: ProvenanceRepository) {}

  async forStatement(statement: StatementRow): Promise<Provenance> {
    return (await this.forStatements([statement])).get(statement.id)!;
  }

  /** Provenance of several statements at once: three queries whatever the number of statements and hops. */
  async forStatements(statements: StatementRow[]): Promise<Map<number, Provenance>> {
    const hops = await this.repo.hops(statements.map((s) => s.id));
    const actorIds = [
      ...statements.flatMap((s) => (s.medium_publisher_id ? [s.speaker_id, s.medium_publisher_id] : [s.speaker_id])),
      ...hops.map((h) => h.relayed_by_id),
    ];
    const actors = new Map((await this.repo.actors(actorIds)).map((a) => [a.id, a]));
    const summary = (id: number, withParent = true): ActorSummary => {
      const a = actors.get(id)!;
      return {
        ...actorSummaryToApi(a),
        actsFor: withParent && a.acts_for_id && actors.has(a.acts_for_id) ? summary(a.acts_for_id, false) : null,
      };
    };
    const byStatement = new Map<number, HopRow[]>();
    for (const h of hops) {
      const list = byStatement.get(h.statement_id);
      if (list) list.push(h);
      else byStatement.set(h.statement_id, [h]);
    }
    const out = new Map<number, Provenance>();
    for (const s of statements) {
      out.set(s.id, {
        statement: statementToApi(s),
        speaker: summary(s.speaker_id),
        mediumPublisher: s.medium_publisher_id ? summary(s.medium_publisher_id) : null,
        hops: buildTree(byStatement.get(s.id) ?? [], summary),
      });
    }
    return out;
  }
}

function buildTree(rows: HopRow[], summary: (id: number) => ActorSummary): ProvenanceHop[] {
  const nodes = new Map<number, ProvenanceHop>();
  const roots: ProvenanceHop[] = [];
  // Rows come ordered by depth, so a hop's parent is always built before it.
  for (const r of rows) {
    const hop: ProvenanceHop = {
      id: r.id,
      depth: r.depth,
      firstHand: r.first_hand === 1,
      relayedBy: summary(r.relayed_by_id),
      mode: r.mode as ProvenanceHop['mode'],
      hedge: r.hedge as ProvenanceHop['hedge'],
      cue: r.cue,
      relayedOn: r.relayed_on,
      document:
        r.document_id === null
          ? null
          : {
              id: r.document_id,
              title: r.doc_title!,
              url: r.doc_url,
              outletId: r.doc_outlet_id!,
              publishedOn: r.doc_published_on,
            },
      hops: [],
    };
    nodes.set(r.id, hop);
    if (r.via_relay_id === null) roots.push(hop);
    else nodes.get(r.via_relay_id)?.hops.push(hop);
  }
  return roots;
}

/** The chains of a provenance tree as flat paths, speaker side first (for display and audits). */
export function chains(hops: ProvenanceHop[], prefix: ProvenanceHop[] = []): ProvenanceHop[][] {
  return hops.flatMap((h) => (h.hops.length === 0 ? [[...prefix, h]] : chains(h.hops, [...prefix, h])));
}
