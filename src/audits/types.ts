// The shapes the audit rules read and write. Rules are pure functions over AuditData: everything a rule
// needs is loaded up front, in a few set-based queries (audit-repository.ts), never fetched per row.

// Report shapes are the generated ones (schemas/audit-report.schema.json is their single source); what
// follows them here is the rules' input model, which never leaves the service.
import type {
  AuditFinding,
  AuditPolicy,
  AuditRecordRef,
  AuditRuleId,
  AuditScope,
  AuditSeverity,
  AuditSpan,
  IdentityStatus,
} from '../generated/schema-types.js';

export type { AuditRuleId };
export type Severity = AuditSeverity;
export type RecordRef = AuditRecordRef;
export type RecordType = AuditRecordRef['type'];
export type Policy = AuditPolicy;
/** A tagged span of a document body where a statement concerned by a finding appears. */
export type Span = AuditSpan;
export type Finding = AuditFinding;
export type ScopeType = AuditScope['type'];

/**
 * Actor fields an audit may read. Deliberately no attestation content and no confidential notes:
 * whether an attestation exists is all ANON-NOT-ATTESTED needs.
 */
export interface AuditActor {
  id: number;
  kind: string;
  identityStatus: IdentityStatus;
  name: string | null;
  description: string | null;
  affiliation: string | null;
  anonymityReason: string | null;
  actsForId: number | null;
  attested: boolean;
}

export interface AuditStatement {
  id: number;
  speakerId: number;
  text: string;
  textForm: string;
  kind: string;
  saidOn: string | null;
  medium: string | null;
  mediumPublisherId: number | null;
  circumstances: string[];
}

export interface AuditHop {
  id: number;
  statementId: number;
  viaRelayId: number | null;
  relayedById: number;
  documentId: number | null;
  firstHand: boolean;
  mode: string;
  cue: string | null;
  hedge: string;
  relayedOn: string | null;
  /** 1 for the hop nearest the speaker. */
  depth: number;
}

export interface AuditDocument {
  id: number;
  title: string;
  url: string | null;
  outletId: number;
  publishedOn: string | null;
}

export interface AuditClaim {
  id: number;
  text: string;
  links: Array<{ statementId: number; stance: string }>;
}

export interface AuditTag {
  id: number;
  documentId: number;
  statementId: number | null;
  relayId: number | null;
  start: number | null;
  end: number | null;
  exact: string | null;
  status: string | null;
  /** The text as first tagged, and how close the text there now is to it (1: the same). */
  quote?: string | null;
  score?: number | null;
}

/** A verbatim hop whose document body does not hold the statement's text as stored, with that body. */
export interface VerbatimMiss {
  hopId: number;
  documentId: number;
  body: string;
}

/** Who passed a hop to its relayer in a document: the earlier hop's relayer, or the speaker for a root hop. */
export interface DocumentSource {
  documentId: number;
  relayerId: number;
  sourceId: number;
  sourceStatus: string;
}

export interface Scope {
  type: ScopeType;
  id: number | null;
}

export interface AuditData {
  scope: Scope;
  actors: Map<number, AuditActor>;
  /** In-scope statements and, for claim rules, every statement of the claims in scope. */
  statements: Map<number, AuditStatement>;
  /** Every hop of every loaded statement, ordered by statement then depth. */
  hops: Map<number, AuditHop>;
  hopsByStatement: Map<number, AuditHop[]>;
  documents: Map<number, AuditDocument>;
  claims: Map<number, AuditClaim>;
  tags: AuditTag[];
  documentSources: DocumentSource[];
  /** In-scope verbatim hops whose document body lacks the exact words (QUOTE-ALTERED looks closer). */
  verbatimMisses: VerbatimMiss[];
  /** What the rules judge; the rest of the data is context. */
  inScope: {
    statements: number[];
    hops: Set<number>;
    actors: number[];
    claims: number[];
    tags: number[];
  };
}

export interface Rule {
  /** A union generated from the schema's enum: a rule whose id is not in the schema does not compile. */
  id: AuditRuleId;
  title: string;
  /** The usual severity; a rule may raise or lower it for one finding, and says so in the evidence. */
  severity: Severity;
  policy: Policy;
  /** Which in-scope set the rule judges: the streamed everything report runs each in its own pass. */
  target: 'actors' | 'statements' | 'hops' | 'claims' | 'tags';
  check(data: AuditData): Finding[];
}
