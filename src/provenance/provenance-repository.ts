import { actorSummaryColumns, type ActorSummaryColumns, type ActorSummaryRow } from '../actors/actor-repository.js';
import type { StatementRow } from '../statements/statement-repository.js';
import type { Db, Dialect } from '../db/database.js';
import { idList } from '../db/id-list.js';

export interface HopRow {
  id: number;
  statement_id: number;
  via_relay_id: number | null;
  depth: number;
  first_hand: number;
  mode: string;
  cue: string | null;
  hedge: string;
  relayed_on: string | null;
  relayed_by_id: number;
  document_id: number | null;
  doc_title: string | null;
  doc_url: string | null;
  doc_outlet_id: number | null;
  doc_published_on: string | null;
}

/** An actor summary and whom the actor acts for, as a query reads it with each column named `prefix` + its name. */
export type ActorSummaryWith<P extends string> = ActorSummaryColumns<P> & { [K in `${P}acts_for_id`]: number | null };

/** A hop with the summaries of who relayed it (rb_) and of whom that relayer acts for (rbp_, nulls when nobody). */
export type HopWithRelayerRow = HopRow & ActorSummaryWith<'rb_'> & ActorSummaryWith<'rbp_'>;

/** A statement with its speaker (sp_), the medium's publisher (mp_), and whom each acts for (spp_, mpp_); nulls where none. */
export type StatementWithActorsRow = StatementRow &
  ActorSummaryWith<'sp_'> &
  ActorSummaryWith<'spp_'> &
  ActorSummaryWith<'mp_'> &
  ActorSummaryWith<'mpp_'>;

const actorAs = (alias: string, prefix: string) => `${actorSummaryColumns(alias, prefix)}, ${alias}.acts_for_id AS ${prefix}acts_for_id`;

// The one hop query (provenance trees, audits and exports all read hops through selectHops): every hop of
// the statements, through the relays_statement index, with its document. Depth (1: the hop nearest the
// speaker) and order are worked out in selectHops, which costs less than a recursive walk in SQL did.
// (CROSS JOIN keeps SQLite's id list as the outer loop; PostgreSQL's CROSS JOIN takes no ON.) Provenance
// reads who relayed each hop in the same query, by primary key: a second query over an id list cost more.
const hopsSql = (dialect: Dialect, relayers: boolean) => `
  SELECT r.id, r.statement_id, r.via_relay_id, 0 AS depth, r.first_hand, r.mode, r.cue, r.hedge, r.relayed_on,
         r.relayed_by_id, r.document_id, d.title AS doc_title, d.url AS doc_url, d.outlet_id AS doc_outlet_id,
         d.published_on AS doc_published_on${relayers ? `, ${actorAs('rb', 'rb_')}, ${actorAs('rbp', 'rbp_')}` : ''}
  FROM ${idList(dialect).table('j')} ${dialect === 'sqlite' ? 'CROSS ' : ''}JOIN relays r ON r.statement_id = j.value
  LEFT JOIN documents d ON d.id = r.document_id${
    relayers ? ' JOIN actors rb ON rb.id = r.relayed_by_id LEFT JOIN actors rbp ON rbp.id = rb.acts_for_id' : ''
  }`;

// A statement with its speaker and publisher, each with whom they act for: the provenance of one statement
// needs no other actor query. Joined on s.id (the rowid), so the plan never depends on the bound value.
const STATEMENT_WITH_ACTORS = `
  SELECT s.*, ${actorAs('sp', 'sp_')}, ${actorAs('spp', 'spp_')}, ${actorAs('mp', 'mp_')}, ${actorAs('mpp', 'mpp_')}
  FROM statements s
  JOIN actors sp ON sp.id = s.speaker_id
  LEFT JOIN actors spp ON spp.id = sp.acts_for_id
  LEFT JOIN actors mp ON mp.id = s.medium_publisher_id
  LEFT JOIN actors mpp ON mpp.id = mp.acts_for_id
  WHERE s.id = ?`;

// Actors and whom they act for, one level up, in one query: each actor once, as IN makes the ids a set
// (a UNION of the two lists of rows, de-duplicated in a temporary index, cost two to four times as much).
const actorsSql = (dialect: Dialect) => `
  SELECT ${actorSummaryColumns('a')}, a.acts_for_id
  FROM actors a
  WHERE a.id IN (
    ${idList(dialect).set}
    UNION ALL
    SELECT p.acts_for_id FROM ${idList(dialect).table('j')} JOIN actors p ON p.id = j.value WHERE p.acts_for_id IS NOT NULL)`;

const HOPS_SQL = { sqlite: hopsSql('sqlite', false), postgres: hopsSql('postgres', false) };
const HOPS_WITH_RELAYERS_SQL = { sqlite: hopsSql('sqlite', true), postgres: hopsSql('postgres', true) };
const ACTORS_SQL = { sqlite: actorsSql('sqlite'), postgres: actorsSql('postgres') };

/**
 * Hops of these statements, ordered by statement, depth (1: nearest the speaker) and id: those whose chain
 * of via hops reaches a first hop. The service refuses a hop that would close a cycle; one on a cycle
 * anyway (written around the service) is left out, as the recursive query this replaced left it out.
 */
export function selectHops(db: Db, statementIds: Iterable<number>): Promise<HopRow[]> {
  return hopsBy(db, HOPS_SQL, statementIds);
}

async function hopsBy<R extends HopRow>(db: Db, sql: Record<Dialect, string>, statementIds: Iterable<number>): Promise<R[]> {
  const list = [...new Set(statementIds)];
  if (list.length === 0) return [];
  const rows = await db.query<R>(sql[db.dialect], [idList(db.dialect).param(list)]);
  setDepths(rows);
  return rows.filter((r) => r.depth > 0).sort((a, b) => a.statement_id - b.statement_id || a.depth - b.depth || a.id - b.id);
}

/** Each row's depth from 0 (not known yet) to its place in its chain, or -1 when the chain never reaches a first hop. */
function setDepths(rows: HopRow[]): void {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const path: HopRow[] = [];
  for (const row of rows) {
    // Walk towards the speaker until a first hop or a hop whose depth is known, then number the way back.
    let at: HopRow | undefined = row;
    let base = -1;
    while (at !== undefined && at.depth === 0 && !path.includes(at)) {
      path.push(at);
      if (at.via_relay_id === null) {
        base = 0;
        break;
      }
      at = byId.get(at.via_relay_id);
    }
    if (base === -1 && at !== undefined && at.depth !== 0) base = at.depth;
    for (let i = path.length - 1, depth = base; i >= 0; i--) {
      if (depth !== -1) depth++;
      path[i].depth = depth;
    }
    path.length = 0;
  }
}

export class ProvenanceRepository {
  constructor(private readonly db: Db) {}

  /** The hops of these statements as selectHops orders them, each with who relayed it. */
  hops(statementIds: number[]): Promise<HopWithRelayerRow[]> {
    return hopsBy(this.db, HOPS_WITH_RELAYERS_SQL, statementIds);
  }

  statementWithActors(id: number): Promise<StatementWithActorsRow | undefined> {
    return this.db.queryFirst<StatementWithActorsRow>(STATEMENT_WITH_ACTORS, [id]);
  }

  actors(ids: number[]): Promise<ActorSummaryRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const list = idList(this.db.dialect).param([...new Set(ids)]);
    return this.db.query<ActorSummaryRow>(ACTORS_SQL[this.db.dialect], [list, list]);
  }
}
