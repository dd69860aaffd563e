// Audit reports: load a scope's data, run every rule over it, count, and sign the result with a digest
// of its canonical form (canonical.ts). The everything report is streamed in keyset pages.
import BetterSqlite3 from 'better-sqlite3';
import { parseStored } from '../shared/stored-json.js';
import type { ValidateFunction } from 'ajv';
import { type Db, SqliteDb } from '../db/database.js';
import { notFound } from '../http/problem.js';
import type { HopRow } from '../provenance/provenance-repository.js';
import type { AuditActorRow, AuditRepository, AuditStatementRow, ClaimLinkRow, TagRow } from './audit-repository.js';
import { canonicalize } from '../shared/canonical-json.js';
import { digestOf, DIGEST_ALGORITHM, StreamingDigest } from './canonical.js';
import { independenceOf } from './independence.js';
import type { JsonSink } from '../http/json-sink.js';
import { RULES } from './rules/index.js';
import { immediateSource, pluralCount } from './rules/plural-count.js';
import { SummaryBuilder } from './summary.js';
import type { AuditData, AuditHop, Finding, Rule, Scope } from './types.js';
import type { AuditReport, AuditScope, AuditVerification } from '../generated/schema-types.js';
import { applySqliteSettings } from '../db/sqlite-settings.js';
import { PostgresDb } from '../db/postgres/postgres-db.js';

export const FORMAT_VERSION: AuditReport['formatVersion'] = '1.1';
export const GENERATOR_NAME = 'whosaid';

export type { AuditReport };
export type ReportScope = AuditScope;
export type Verification = AuditVerification;

// Members of the streamed report written after its header, in order; canonical.ts sorts them for the digest.
const STREAMED_KEYS = ['findings', 'independence', 'summary'];

/** The signed checkpoint of the change log a report was computed at: the history it saw, pinned. */
export interface ReportCheckpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}

// Page sizes of the streamed report: large enough that the per-page queries are cheap, small enough
// that a page's data stays small and a page's work (the time other requests may wait) a few tens of ms.
const PAGE = { statements: 25, actors: 25, claims: 10, tags: 50 };

/** Which records a load judges, beyond those it only reads for context. */
interface ScopeSets {
  statements: number[];
  hops: 'all' | 'none' | ((hops: AuditHop[]) => Set<number>);
  actors: 'speakers-and-relayers' | number[];
  claims: 'linked' | number[];
  tags: 'loaded' | 'none';
}

interface LoadPlan {
  scope: Scope;
  /** Statements to read (judged or context). */
  statementIds: number[];
  claims: { by: 'statements'; ids: number[] } | { by: 'ids'; ids: number[] } | null;
  tags: { by: 'document'; id: number } | { by: 'statements' } | { by: 'ids'; ids: number[] } | null;
  sets: ScopeSets;
}

export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly version: string,
    private readonly validateReport: ValidateFunction,
    /** The change log's checkpoint now; every report carries it, inside its digest. */
    private readonly checkpoint?: () => Promise<ReportCheckpoint>,
  ) {}

  get rules(): readonly Rule[] {
    return RULES;
  }

  // ---- scoped reports -------------------------------------------------------------------------

  async documentReport(id: number): Promise<AuditReport> {
    const doc = await this.repo.document(id);
    if (!doc) throw notFound('document', id);
    return this.buildReport({ type: 'document', id, label: doc.title }, await this.loadDocument(id));
  }

  async claimReport(id: number): Promise<AuditReport> {
    const claim = await this.repo.claim(id);
    if (!claim) throw notFound('claim', id);
    return this.buildReport({ type: 'claim', id, label: claim.text }, await this.loadClaim(id));
  }

  async actorReport(id: number): Promise<AuditReport> {
    if (!(await this.repo.actorExists(id))) throw notFound('actor', id);
    const data = await this.loadActor(id);
    const a = data.actors.get(id)!;
    return this.buildReport({ type: 'actor', id, label: a.name ?? a.description ?? `actor ${id}` }, data);
  }

  async loadDocument(id: number, repo = this.repo): Promise<AuditData> {
    const statementIds = await repo.statementIdsOfDocument(id);
    return this.load(repo, {
      scope: { type: 'document', id },
      statementIds,
      claims: { by: 'statements', ids: statementIds },
      tags: { by: 'document', id },
      sets: {
        statements: statementIds,
        // The hops in this document and every hop before them: the chains that brought it here.
        hops: (hops) => {
          const byId = new Map(hops.map((h) => [h.id, h]));
          const out = new Set<number>();
          for (const h of hops) {
            if (h.documentId !== id) continue;
            for (
              let cur: AuditHop | undefined = h;
              cur && !out.has(cur.id);
              cur = cur.viaRelayId === null ? undefined : byId.get(cur.viaRelayId)
            )
              out.add(cur.id);
          }
          return out;
        },
        actors: 'speakers-and-relayers',
        claims: 'linked',
        tags: 'loaded',
      },
    });
  }

  async loadClaim(id: number, repo = this.repo): Promise<AuditData> {
    const statementIds = await repo.statementIdsOfClaim(id);
    return this.load(repo, {
      scope: { type: 'claim', id },
      statementIds,
      claims: { by: 'ids', ids: [id] },
      tags: { by: 'statements' },
      sets: { statements: statementIds, hops: 'all', actors: 'speakers-and-relayers', claims: [id], tags: 'loaded' },
    });
  }

  async loadActor(id: number, repo = this.repo): Promise<AuditData> {
    const statementIds = await repo.statementIdsOfActor(id);
    const data = await this.load(
      repo,
      {
        scope: { type: 'actor', id },
        statementIds: statementIds,
        claims: { by: 'statements', ids: statementIds },
        tags: { by: 'statements' },
        sets: { statements: statementIds, hops: 'all', actors: 'speakers-and-relayers', claims: 'linked', tags: 'loaded' },
      },
      [id],
    );
    if (!data.inScope.actors.includes(id)) data.inScope.actors.unshift(id);
    return data;
  }

  /** Runs every rule over loaded data, in catalogue order. */
  findings(data: AuditData, rules: readonly Rule[] = RULES): Finding[] {
    return rules.flatMap((r) => r.check(data));
  }

  private async buildReport(scope: ReportScope, data: AuditData): Promise<AuditReport> {
    const summary = new SummaryBuilder(RULES.map((r) => r.id));
    summary.addStatements(data);
    const findings = this.findings(data);
    for (const f of findings) summary.addFinding(f);
    const independence = data.inScope.claims.map((id) => independenceOf(data, id));
    for (const c of independence) summary.addClaim(c);
    const report = {
      ...(await this.header(scope)),
      findings,
      independence,
      summary: summary.build(),
    } as Omit<AuditReport, 'digest'>;
    return { ...report, digest: { algorithm: DIGEST_ALGORITHM, value: digestOf(report as unknown as Record<string, unknown>) } };
  }

  private async header(scope: ReportScope) {
    return {
      formatVersion: FORMAT_VERSION,
      generatedAt: new Date().toISOString(),
      generator: { name: GENERATOR_NAME, version: this.version },
      scope,
      rulesChecked: RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, policy: r.policy })),
      ...(this.checkpoint ? { checkpoint: await this.checkpoint() } : {}),
    };
  }

  // ---- the everything report, streamed ----------------------------------------------------------

  /**
   * Writes the report of the whole database to `sink` page by page. Reads run on a snapshot (a read
   * transaction on a second connection) when the database is a file, so the report is consistent even
   * while others write; an in-memory database has only the one connection and is read directly.
   */
  async streamAll(sink: JsonSink): Promise<void> {
    const snapshot = await openSnapshot(this.repo.db);
    const repo = snapshot ? this.repo.on(snapshot) : this.repo;
    try {
      const summary = new SummaryBuilder(RULES.map((r) => r.id));
      const header = await this.header({ type: 'all', id: null, label: 'everything' });
      const digest = new StreamingDigest([...Object.keys(header), ...STREAMED_KEYS]);
      sink.write('{');
      Object.entries(header).forEach(([k, v], i) => {
        digest.member(k, v);
        sink.write((i ? ',' : '') + JSON.stringify(k) + ':' + canonicalize(v));
      });

      // The header goes out at once: a client sees the report start before the first page is judged.
      await sink.drain(true);

      let n = 0;
      const emit = (f: Finding) => {
        summary.addFinding(f);
        sink.write((n++ ? ',' : '') + digest.item(f));
      };
      digest.beginArray('findings');
      sink.write(',"findings":[');
      const byTarget = (...t: Rule['target'][]) => RULES.filter((r) => t.includes(r.target));

      for (let after = 0; ; ) {
        const ids = await repo.statementIdsAfter(after, PAGE.statements);
        if (ids.length === 0) break;
        after = ids[ids.length - 1];
        const data = await this.load(repo, {
          scope: { type: 'all', id: null },
          statementIds: ids,
          claims: null,
          tags: { by: 'statements' },
          sets: { statements: ids, hops: 'all', actors: [], claims: [], tags: 'none' },
        });
        summary.addStatements(data);
        for (const f of this.findings(data, byTarget('statements', 'hops'))) emit(f);
        await sink.drain();
      }
      for (let after = 0; ; ) {
        const ids = await repo.anonymousActorIdsAfter(after, PAGE.actors);
        if (ids.length === 0) break;
        after = ids[ids.length - 1];
        const spoken = await repo.statementIdsSpokenBy(ids, 20);
        const data = await this.load(
          repo,
          {
            scope: { type: 'all', id: null },
            statementIds: spoken,
            claims: null,
            tags: { by: 'statements' },
            // Their chains are read so that whose source each actor is can be told (ANON-NOT-ATTESTED, ANON-RELAYED).
            sets: { statements: spoken, hops: 'all', actors: ids, claims: [], tags: 'none' },
          },
          ids,
        );
        for (const f of this.findings(data, byTarget('actors'))) emit(f);
        await sink.drain();
      }
      await this.claimPages(repo, async (data) => {
        for (const f of this.findings(data, byTarget('claims'))) emit(f);
        await sink.drain();
      });
      for (let after = 0; ; ) {
        const ids = await repo.tagIdsAfter(after, PAGE.tags, 'orphaned');
        if (ids.length === 0) break;
        after = ids[ids.length - 1];
        const data = await this.load(repo, {
          scope: { type: 'all', id: null },
          statementIds: [],
          claims: null,
          tags: { by: 'ids', ids },
          sets: { statements: [], hops: 'none', actors: [], claims: [], tags: 'loaded' },
        });
        for (const f of this.findings(data, byTarget('tags'))) emit(f);
        await sink.drain();
      }
      digest.endArray();
      sink.write(']');

      digest.beginArray('independence');
      sink.write(',"independence":[');
      let c = 0;
      await this.claimPages(repo, async (data) => {
        for (const id of data.inScope.claims) {
          const ind = independenceOf(data, id);
          summary.addClaim(ind);
          sink.write((c++ ? ',' : '') + digest.item(ind));
        }
        await sink.drain();
      });
      digest.endArray();
      sink.write(']');

      const built = summary.build();
      digest.member('summary', built);
      sink.write(',"summary":' + canonicalize(built));
      const value = digest.finish();
      sink.write(',"digest":' + JSON.stringify({ algorithm: DIGEST_ALGORITHM, value }) + '}');
      await sink.end();
    } finally {
      if (snapshot) await closeSnapshot(snapshot);
    }
  }

  private async claimPages(repo: AuditRepository, each: (data: AuditData) => Promise<void>): Promise<void> {
    for (let after = 0; ; ) {
      const ids = await repo.claimIdsAfter(after, PAGE.claims);
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      const data = await this.load(repo, {
        scope: { type: 'all', id: null },
        statementIds: [],
        claims: { by: 'ids', ids },
        tags: { by: 'statements' },
        sets: { statements: [], hops: 'none', actors: [], claims: ids, tags: 'none' },
      });
      await each(data);
    }
  }

  /** Statements with all their hops and the actors they involve: a page of an export. */
  loadStatements(ids: number[], repo = this.repo): Promise<AuditData> {
    return this.load(repo, {
      scope: { type: 'all', id: null },
      statementIds: ids,
      claims: null,
      tags: null,
      sets: { statements: ids, hops: 'all', actors: [], claims: [], tags: 'none' },
    });
  }

  // ---- verification ---------------------------------------------------------------------------

  /** Recomputes the digest of a saved report's canonical content and compares it with the one it carries. */
  verify(report: Record<string, unknown>): Verification {
    return verifyReport(report, this.validateReport);
  }

  // ---- loading --------------------------------------------------------------------------------

  /** Reads what a plan needs in a fixed number of queries and indexes it for the rules. */
  private async load(repo: AuditRepository, plan: LoadPlan, extraActors: number[] = []): Promise<AuditData> {
    const claimRows: ClaimLinkRow[] = !plan.claims
      ? []
      : plan.claims.by === 'ids'
        ? await repo.claims(plan.claims.ids)
        : await repo.claimsOfStatements(plan.claims.ids);
    const statementIds = new Set(plan.statementIds);
    for (const r of claimRows) if (r.statement_id !== null) statementIds.add(r.statement_id);
    const statementRows = statementIds.size ? await repo.statements(statementIds) : [];
    const hopRows = statementRows.length ? await repo.hops(statementRows.map((s) => s.id)) : [];
    const tagRows: TagRow[] = !plan.tags
      ? []
      : plan.tags.by === 'document'
        ? await repo.tagsOfDocument(plan.tags.id)
        : plan.tags.by === 'ids'
          ? await repo.tags(plan.tags.ids)
          : statementIds.size
            ? await repo.tagsOfStatements(statementIds)
            : [];

    const actorIds = new Set<number>(extraActors);
    for (const s of statementRows) {
      actorIds.add(s.speaker_id);
      if (s.medium_publisher_id !== null) actorIds.add(s.medium_publisher_id);
    }
    for (const h of hopRows) actorIds.add(h.relayed_by_id);
    const actorRows = actorIds.size ? await repo.actors(actorIds) : [];

    const data = assemble(plan.scope, statementRows, hopRows, actorRows, claimRows, tagRows);
    const missingDocs = new Set<number>();
    for (const t of data.tags) if (!data.documents.has(t.documentId)) missingDocs.add(t.documentId);
    if (plan.scope.type === 'document' && plan.scope.id !== null && !data.documents.has(plan.scope.id)) missingDocs.add(plan.scope.id);
    for (const d of missingDocs.size ? await repo.documents(missingDocs) : []) {
      data.documents.set(d.id, { id: d.id, title: d.title, url: d.url, outletId: d.outlet_id, publishedOn: d.published_on });
    }

    // Scope sets.
    const sets = plan.sets;
    const allHops = [...data.hops.values()];
    const scopeStatements = new Set(sets.statements);
    data.inScope.statements = sets.statements.filter((id) => data.statements.has(id));
    data.inScope.hops =
      sets.hops === 'all'
        ? new Set(allHops.filter((h) => scopeStatements.has(h.statementId)).map((h) => h.id))
        : sets.hops === 'none'
          ? new Set()
          : sets.hops(allHops);
    if (sets.actors === 'speakers-and-relayers') {
      const ids = new Set<number>();
      for (const id of data.inScope.statements) ids.add(data.statements.get(id)!.speakerId);
      for (const id of data.inScope.hops) ids.add(data.hops.get(id)!.relayedById);
      data.inScope.actors = [...ids].sort((a, b) => a - b);
    } else data.inScope.actors = sets.actors.filter((id) => data.actors.has(id));
    data.inScope.claims = sets.claims === 'linked' ? [...data.claims.keys()] : sets.claims.filter((id) => data.claims.has(id));
    data.inScope.tags = sets.tags === 'loaded' ? data.tags.map((t) => t.id) : [];

    // PLURAL-COUNT needs every unnamed source behind a plural cue's relayer in that document, in scope
    // or not; only cues about an unnamed source are counted, so only those pairs are read.
    const pairs = new Map<string, [number, number]>();
    for (const id of data.inScope.hops) {
      const h = data.hops.get(id)!;
      if (h.documentId === null || !h.cue || !pluralCount(h.cue)) continue;
      const source = immediateSource(data, h);
      if (source === null || data.actors.get(source)?.identityStatus === 'named') continue;
      pairs.set(`${h.documentId}:${h.relayedById}`, [h.documentId, h.relayedById]);
    }
    data.documentSources = (await repo.documentSources([...pairs.values()])).map((r) => ({
      documentId: r.document_id,
      relayerId: r.relayer_id,
      sourceId: r.source_id,
      sourceStatus: r.source_status,
    }));
    data.verbatimMisses = data.inScope.hops.size
      ? (await repo.verbatimMisses(data.inScope.hops)).map((r) => ({ hopId: r.relay_id, documentId: r.document_id, body: r.body }))
      : [];
    return data;
  }
}

/** Whether a saved report is intact: SHA-256 of its canonical content against the digest it carries. */
export function verifyReport(report: Record<string, unknown>, validate: ValidateFunction): Verification {
  const digest = report.digest as { algorithm?: unknown; value?: unknown } | undefined;
  const expected = typeof digest?.value === 'string' ? digest.value : null;
  const algorithm = typeof digest?.algorithm === 'string' ? digest.algorithm : 'unknown';
  const actual = digestOf(report);
  const schemaValid = validate(report) === true;
  const formatVersion = typeof report.formatVersion === 'string' ? report.formatVersion : null;
  let reason: string;
  let intact = false;
  if (algorithm.toLowerCase() !== DIGEST_ALGORITHM) reason = `The report's digest uses ${algorithm}; only ${DIGEST_ALGORITHM} is known.`;
  else if (expected === null) reason = 'The report carries no digest value.';
  else if (expected.toLowerCase() !== actual)
    reason = 'The content does not match its digest: the report was changed after it was generated.';
  else {
    intact = true;
    reason = schemaValid
      ? 'The content matches its digest.'
      : 'The content matches its digest, but it does not follow the report schema of this version.';
  }
  return { intact, algorithm: DIGEST_ALGORITHM, expected, actual, formatVersion, schemaValid, reason };
}

/** Rows to the indexed shape the rules read. */
export function assemble(
  scope: Scope,
  statements: AuditStatementRow[],
  hops: HopRow[],
  actors: AuditActorRow[],
  claims: ClaimLinkRow[],
  tags: TagRow[],
): AuditData {
  const data: AuditData = {
    scope,
    actors: new Map(),
    statements: new Map(),
    hops: new Map(),
    hopsByStatement: new Map(),
    documents: new Map(),
    claims: new Map(),
    tags: tags.map((t) => ({
      id: t.id,
      documentId: t.document_id,
      statementId: t.statement_id,
      relayId: t.relay_id,
      start: t.start,
      end: t.end,
      exact: t.exact,
      status: t.status,
      quote: t.quote,
      score: t.score,
    })),
    documentSources: [],
    verbatimMisses: [],
    inScope: { statements: [], hops: new Set(), actors: [], claims: [], tags: [] },
  };
  for (const a of actors) {
    data.actors.set(a.id, {
      id: a.id,
      kind: a.kind,
      identityStatus: a.identity_status as 'named',
      name: a.name,
      description: a.description,
      affiliation: a.affiliation,
      anonymityReason: a.anonymity_reason,
      actsForId: a.acts_for_id,
      attested: a.attested === 1,
    });
  }
  for (const s of statements) {
    data.statements.set(s.id, {
      id: s.id,
      speakerId: s.speaker_id,
      text: s.text,
      textForm: s.text_form,
      kind: s.kind,
      saidOn: s.said_on,
      medium: s.medium,
      mediumPublisherId: s.medium_publisher_id,
      circumstances: parseStored(s.circumstances, 'statement', s.id, 'circumstances'),
    });
  }
  for (const r of hops) {
    const h: AuditHop = {
      id: r.id,
      statementId: r.statement_id,
      viaRelayId: r.via_relay_id,
      relayedById: r.relayed_by_id,
      documentId: r.document_id,
      firstHand: r.first_hand === 1,
      mode: r.mode,
      cue: r.cue,
      hedge: r.hedge,
      relayedOn: r.relayed_on,
      depth: r.depth,
    };
    data.hops.set(h.id, h);
    const list = data.hopsByStatement.get(h.statementId);
    if (list) list.push(h);
    else data.hopsByStatement.set(h.statementId, [h]);
    if (r.document_id !== null && !data.documents.has(r.document_id)) {
      data.documents.set(r.document_id, {
        id: r.document_id,
        title: r.doc_title!,
        url: r.doc_url,
        outletId: r.doc_outlet_id!,
        publishedOn: r.doc_published_on,
      });
    }
  }
  for (const r of claims) {
    let c = data.claims.get(r.claim_id);
    if (!c) data.claims.set(r.claim_id, (c = { id: r.claim_id, text: r.text, links: [] }));
    if (r.statement_id !== null && r.stance !== null) c.links.push({ statementId: r.statement_id, stance: r.stance });
  }
  return data;
}

/**
 * A view of the database frozen as it is now, for a long read: on SQLite a second, read-only connection in a
 * deferred transaction (null for an in-memory database); on PostgreSQL a repeatable-read transaction on one
 * pooled connection. Give it back with closeSnapshot.
 */
export async function openSnapshot(db: Db): Promise<Db | null> {
  if (db instanceof PostgresDb) return db.readSnapshot();
  if (!(db instanceof SqliteDb) || db.sqlite.memory) return null;
  const conn = new BetterSqlite3(db.sqlite.name, { readonly: true, fileMustExist: true });
  applySqliteSettings(conn);
  conn.exec('BEGIN');
  // A deferred transaction takes its snapshot at the first read.
  conn.prepare('SELECT count(*) FROM sqlite_master').get();
  return new SqliteDb(conn);
}

export async function closeSnapshot(db: Db): Promise<void> {
  if (!(db instanceof SqliteDb)) return db.close();
  try {
    db.sqlite.exec('COMMIT');
  } finally {
    await db.close();
  }
}
