import { actorSummaryToApi } from '../actors/actor-service.js';
import type { ActorSummary, Provenance, ProvenanceHop } from '../generated/schema-types.js';
import type { StatementRow } from '../statements/statement-repository.js';
import { statementToApi } from '../statements/statement-service.js';
import type { ActorSummaryRow } from '../actors/actor-repository.js';
import { notFound } from '../http/problem.js';
import type { ActorSummaryWith, HopRow, HopWithRelayerRow, ProvenanceRepository } from './provenance-repository.js';

/** Summaries by actor id, each with whom the actor acts for: what a provenance names its actors from. */
type Known = Map<number, ActorSummaryRow>;

const SUMMARY_FIELDS = ['id', 'kind', 'identity_status', 'name', 'description', 'affiliation', 'acts_for_id'] as const;

/** Each prefix's column names, built once: a row's columns are then read by fixed names. */
const columnsOf = (prefix: string) => SUMMARY_FIELDS.map((f) => prefix + f);
const COLUMNS = {
  sp_: columnsOf('sp_'),
  spp_: columnsOf('spp_'),
  mp_: columnsOf('mp_'),
  mpp_: columnsOf('mpp_'),
  rb_: columnsOf('rb_'),
  rbp_: columnsOf('rbp_'),
};

/** Adds the actor whose columns this row carries under `prefix`, if there is one (a LEFT JOIN's nulls: none). */
function learn<P extends keyof typeof COLUMNS>(known: Known, row: ActorSummaryWith<P>, prefix: P): void {
  const r = row as unknown as Record<string, unknown>;
  const [id, kind, identityStatus, name, description, affiliation, actsFor] = COLUMNS[prefix];
  const actorId = r[id] as number | null;
  if (actorId === null || known.has(actorId)) return;
  known.set(actorId, {
    id: actorId,
    kind: r[kind] as ActorSummaryRow['kind'],
    identity_status: r[identityStatus] as ActorSummaryRow['identity_status'],
    name: r[name] as ActorSummaryRow['name'],
    description: r[description] as ActorSummaryRow['description'],
    affiliation: r[affiliation] as ActorSummaryRow['affiliation'],
    acts_for_id: r[actsFor] as number | null,
  });
}

export class ProvenanceService {
  constructor(private readonly repo: ProvenanceRepository) {}

  /** The provenance of one statement: two queries, the statement with its speaker and publisher, then its hops. */
  async forStatementId(id: number): Promise<Provenance> {
    const s = await this.repo.statementWithActors(id);
    if (!s) throw notFound('statement', id);
    const known: Known = new Map();
    for (const prefix of ['sp_', 'spp_', 'mp_', 'mpp_'] as const) learn(known, s, prefix);
    return this.assemble([s], await this.repo.hops([id]), known).get(id)!;
  }

  /** Provenance of several statements at once: two queries whatever the number of statements and hops. */
  async forStatements(statements: StatementRow[]): Promise<Map<number, Provenance>> {
    const hops = await this.repo.hops(statements.map((s) => s.id));
    const ids = statements.flatMap((s) => (s.medium_publisher_id ? [s.speaker_id, s.medium_publisher_id] : [s.speaker_id]));
    const known: Known = new Map((await this.repo.actors(ids)).map((a) => [a.id, a]));
    return this.assemble(statements, hops, known);
  }

  private assemble(statements: StatementRow[], hops: HopWithRelayerRow[], known: Known): Map<number, Provenance> {
    for (const h of hops) {
      learn(known, h, 'rb_');
      learn(known, h, 'rbp_');
    }
    const summary = (id: number, withParent = true): ActorSummary => {
      const a = known.get(id)!;
      return {
        ...actorSummaryToApi(a),
        actsFor: withParent && a.acts_for_id && known.has(a.acts_for_id) ? summary(a.acts_for_id, false) : null,
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
