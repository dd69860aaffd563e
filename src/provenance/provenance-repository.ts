import { actorSummaryColumns, type ActorSummaryRow } from '../actors/actor-repository.js';
import type { Db } from '../db/database.js';

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

// The one hop query (provenance trees, audits and exports all read hops through selectHops).
// Hops of many statements in one recursive walk from their roots; depth 1 is the hop nearest the speaker.
// The walk starts from the given ids (json_each joined to relays by statement_id, an indexed lookup), and
// CROSS JOIN pins the walk's rows as the outer loop: with some table statistics (seen at 100k statements)
// the planner otherwise scans every relay in statement order to save the final sort.
const HOPS_SQL = `
  WITH RECURSIVE tree(id, depth) AS (
    SELECT r.id, 1 FROM relays r JOIN json_each(?) j ON r.statement_id = j.value WHERE r.via_relay_id IS NULL
    UNION ALL
    SELECT r.id, t.depth + 1 FROM relays r JOIN tree t ON r.via_relay_id = t.id
  )
  SELECT r.id, r.statement_id, r.via_relay_id, t.depth, r.first_hand, r.mode, r.cue, r.hedge, r.relayed_on,
         r.relayed_by_id, r.document_id, d.title AS doc_title, d.url AS doc_url, d.outlet_id AS doc_outlet_id,
         d.published_on AS doc_published_on
  FROM tree t CROSS JOIN relays r ON r.id = t.id LEFT JOIN documents d ON d.id = r.document_id
  ORDER BY r.statement_id, t.depth, r.id`;

// Actors and whom they act for, one level up, in one query.
const ACTORS_SQL = `
  SELECT ${actorSummaryColumns('a')}, a.acts_for_id
  FROM actors a WHERE a.id IN (SELECT value FROM json_each(?))
  UNION
  SELECT ${actorSummaryColumns('p')}, p.acts_for_id
  FROM actors a JOIN actors p ON p.id = a.acts_for_id WHERE a.id IN (SELECT value FROM json_each(?))`;

/** Hops of these statements, ordered by statement, depth (1: nearest the speaker) and id. */
export function selectHops(db: Db, statementIds: Iterable<number>): HopRow[] {
  const list = [...new Set(statementIds)];
  if (list.length === 0) return [];
  return db.prepare(HOPS_SQL).all(JSON.stringify(list)) as HopRow[];
}

export class ProvenanceRepository {
  constructor(private readonly db: Db) {}

  hops(statementIds: number[]): HopRow[] {
    return selectHops(this.db, statementIds);
  }

  actors(ids: number[]): ActorSummaryRow[] {
    if (ids.length === 0) return [];
    const json = JSON.stringify([...new Set(ids)]);
    return this.db.prepare(ACTORS_SQL).all(json, json) as ActorSummaryRow[];
  }
}
