// The one typed view of the database that repositories query through.
import type { Generated } from 'kysely';

export interface ActorsTable {
  id: Generated<number>;
  kind: string;
  identity_status: string;
  name: string | null;
  description: string | null;
  affiliation: string | null;
  anonymity_reason: string | null;
  acts_for_id: number | null;
  attestation: string | null;
  confidential_notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface DocumentsTable {
  id: Generated<number>;
  outlet_id: number;
  title: string;
  url: string | null;
  published_on: string | null;
  byline: string | null;
  language: string | null;
  body: string | null;
  created_at: string;
  updated_at: string;
}

export interface StatementsTable {
  id: Generated<number>;
  speaker_id: number;
  text: string;
  text_form: string;
  kind: string;
  said_on: string | null;
  said_from: string | null;
  said_to: string | null;
  medium: string | null;
  medium_publisher_id: number | null;
  circumstances: string;
  language: string | null;
  original_language: string | null;
  original_text: string | null;
  context: string | null;
  created_at: string;
  updated_at: string;
}

export interface RelaysTable {
  id: Generated<number>;
  statement_id: number;
  via_relay_id: number | null;
  relayed_by_id: number;
  document_id: number | null;
  first_hand: number;
  mode: string;
  cue: string | null;
  hedge: string;
  relayed_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClaimsTable {
  id: Generated<number>;
  text: string;
  verdict: string | null;
  created_at: string;
  updated_at: string;
}

export interface StatementClaimsTable {
  statement_id: number;
  claim_id: number;
  stance: string;
  created_at: string;
}

export interface BundleKeysTable {
  namespace: string;
  record_type: string;
  key: string;
  record_id: number;
  digest: string;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  created_by: number | null;
  revoked_at: string | null;
}

export interface ChangesTable {
  seq: number;
  at: string;
  key_id: number | null;
  action: string;
  record_type: string;
  record_id: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
  /** RFC 9162 leaf hash of the change's entry (32 bytes). */
  leaf_hash: Buffer | null;
}

export interface MerkleNodesTable {
  level: number;
  idx: number;
  hash: Buffer;
}

export interface HistoryOpeningsTable {
  seq: number;
  side: string;
  column_name: string;
  salt: Buffer;
  value: string;
}

export interface TagsTable {
  id: Generated<number>;
  document_id: number;
  statement_id: number;
  relay_id: number;
  /** Code point offsets, end exclusive; null once orphaned. */
  start: number | null;
  end: number | null;
  exact: string;
  prefix: string;
  suffix: string;
  quote: string;
  status: string;
  score: number;
  created_at: string;
  modified_at: string;
  anchored_at: string;
}

export interface Database {
  api_keys: ApiKeysTable;
  changes: ChangesTable;
  merkle_nodes: MerkleNodesTable;
  history_openings: HistoryOpeningsTable;
  actors: ActorsTable;
  documents: DocumentsTable;
  statements: StatementsTable;
  relays: RelaysTable;
  claims: ClaimsTable;
  statement_claims: StatementClaimsTable;
  bundle_keys: BundleKeysTable;
  tags: TagsTable;
}
