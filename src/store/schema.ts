import type { ColumnType, Generated } from 'kysely';

/**
 * The database schema as Kysely sees it. Portable between SQLite and PostgreSQL:
 * JSON is stored as text (parsed at the repository edge), times as ISO-8601 UTC text.
 */

/** ISO-8601 UTC timestamp text, e.g. 2026-11-23T15:00:00.000Z. */
type Timestamp = string;
/** JSON document stored as text. */
type JsonText = string;

export interface CustomersTable {
  id: string;
  name: string;
  locale: string;
  time_zone: string;
  email: string | null;
  phone: string | null;
  address: JsonText | null; // PostalAddress
  consent: JsonText; // Record<ChannelKind, Consent>
  e_delivery: number; // 0 | 1
  traits: JsonText; // Traits
  /** sha256 of the normalised record: an import that changes nothing updates nothing. */
  record_sha256: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OffersTable {
  id: string;
  version: number;
  definition: JsonText;
  definition_sha256: string;
  published_at: Timestamp;
}

export interface TemplatesTable {
  name: string;
  description: string;
  created_at: Timestamp;
}

export interface TemplateVersionsTable {
  /** `${name}@${sha256 prefix}`: content-addressed, so a version is immutable by construction. */
  id: string;
  template_name: string;
  version: number;
  sha256: string;
  /** The whole package (manifest, layouts, strings) as a JSON document of files. */
  files: JsonText;
  status: 'draft' | 'published';
  published_at: Timestamp | null;
  published_by: string | null;
  created_at: Timestamp;
}

export interface RunsTable {
  id: string;
  communication_type: string;
  template_version_id: string;
  as_of: string; // YYYY-MM-DD
  status: string; // RunStatus
  source: string; // where the customers came from, e.g. "store:all"
  customers_total: number | null;
  options: JsonText;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** How many times the run was planned (0009): chunk job ids carry it. */
  generation: Generated<number>;
  /** The run report frozen when the run finished (JSON), or null. */
  report: JsonText | null;
  /** The run that replaced this one for its type and as-of (`missive run --supersede`, 0016), or null. */
  superseded_by: Generated<string | null>;
  superseded_at: Generated<Timestamp | null>;
}

export interface CommunicationsTable {
  id: string; // deterministic: hash(run, customer, channel)
  run_id: string;
  customer_id: string;
  channel: string; // ChannelKind
  template_version_id: string;
  status: string; // CommunicationStatus
  reason: string | null;
  input_sha256: string;
  artifact_sha256: string | null;
  artifact_size: number | null;
  pages: number | null;
  provider_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** hash(run, customer, template version, channel): Message-ID / idempotency key (0003, UNIQUE). */
  delivery_key: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  /** The provider's code of the last failure, e.g. SMTP 550 or Twilio 21211. */
  error_code: string | null;
  /** The provider's last delivery status (queued, sent, delivered, undelivered…). */
  provider_status: string | null;
  segments: number | null;
  /** Decimal text as the provider reports it (Twilio: "-0.0075"), with its currency. */
  cost: string | null;
  cost_unit: string | null;
  /** The communication this one replaces (fallback to another channel). */
  fallback_of: string | null;
  /** The communication this one is an agent's copy of (resend, reprint; 0018). */
  copy_of: ColumnType<string | null, string | null | undefined, string | null>;
  copy_kind: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An agent's corrected copy of a communication and its four-eyes state (0022; store/communication-corrections.ts). */
export interface CommunicationCorrectionsTable {
  id: string;
  customer_id: string;
  communication_id: string;
  requested_by: string;
  client_id: string;
  status: string;
  /** JSON: [{ path, amount }] — the paths changed, no values. */
  fields: string;
  changes_amount: number;
  send: string;
  /** The requested values sealed with the customer's data key (base64); null once decided. */
  sealed_changes: string | null;
  key_id: string | null;
  reason: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  correction_id: string | null;
}

/** The address an agent sent a copy to instead of the one on file: personal data, erased (0018). */
export interface CommunicationRecipientsTable {
  communication_id: string;
  customer_id: string;
  address: string;
  created_at: string;
}

/** An archived document an e-mail carried as an attachment, by sha256 (0018). */
export interface CommunicationAttachmentsTable {
  communication_id: string;
  position: number;
  name: string;
  media_type: string;
  sha256: string;
  size: number;
}

export interface CommunicationStatusHistoryTable {
  id: Generated<number>;
  communication_id: string;
  status: string;
  reason: string | null;
  /** The provider's or Missive's code for this change, if any (0003). */
  code: string | null;
  at: Timestamp;
}

export interface RunFailuresTable {
  id: Generated<number>;
  run_id: string;
  customer_id: string;
  stage: string; // decide | render | archive | dispatch
  code: string;
  reason: string;
  at: Timestamp;
  /** Input rejects (stage `input`): the file line and the field at fault. */
  line: number | null;
  field: string | null;
}

/** The customers of a run over a file or a segment (a run over every customer has none). */
export interface RunMembersTable {
  run_id: string;
  customer_id: string;
}

export interface EventsTable {
  id: Generated<number>;
  /** The provider's own id (or a derived one): replays of the same event are dropped. */
  source: string;
  source_id: string;
  type: string;
  communication_id: string | null;
  customer_id: string | null;
  offer_id: string | null;
  payload: JsonText;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details: JsonText;
  at: Timestamp;
}

/** A published offer catalog: its whole definition, content-addressed. */
export interface CatalogVersionsTable {
  id: string; // `${name}@${sha256 prefix}`
  name: string;
  version: number;
  sha256: string;
  definition: JsonText;
  published_at: Timestamp;
}

/** One decision per (run, customer): what the rules chose and why. */
export interface DecisionsTable {
  run_id: string;
  customer_id: string;
  communication_type: string;
  catalog_version: string;
  model_version: string;
  seed: string;
  holdout: number; // 0 | 1
  decision: JsonText;
  created_at: Timestamp;
}

/** Exposures and successes per (offer, segment): the Beta posteriors' counts. */
export interface ModelStatsTable {
  offer_id: string;
  segment: string;
  exposures: number;
  successes: number;
  updated_at: Timestamp;
}

/** A person or system that uses the API; `password_hash` is scrypt (null: token-only account). */
export interface UsersTable {
  name: string;
  role: string; // Role: agent | marketer | admin
  password_hash: string | null;
  disabled: number; // 0 | 1
  created_at: Timestamp;
  /** The IANA zone the UI shows the user's times in; null: the UI language's default (0019). */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A signed-in browser: only the sha256 of the cookie's secret is stored. */
export interface SessionsTable {
  token_sha256: string;
  user_name: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** An API token for a system (e.g. the telephony screen-pop): only its sha256 is stored. */
export interface ApiTokensTable {
  token_sha256: string;
  user_name: string;
  label: string;
  created_at: Timestamp;
}

/** Account numbers (digits only) the call center can search by. */
export interface CustomerAccountsTable {
  account_digits: string;
  customer_id: string;
}

/** A print file of a run's print streams (one set of options): archived, counted. */
export interface PrintStreamsTable {
  id: string; // deterministic: hash(run, options key, index)
  run_id: string;
  options_key: string;
  options: JsonText; // PrintStreamOptions
  stream_index: number;
  file_name: string;
  sha256: string;
  size: number;
  manifest_sha256: string;
  documents: number;
  pages: number;
  physical_pages: number;
  blank_pages: number;
  sheets: number;
  envelopes: number;
  created_at: Timestamp;
}

/** The print file a letter is in (its latest), for the print house's returned manifest (0020). */
export interface PrintFileDocumentsTable {
  communication_id: string;
  /** The run whose print streams hold it (another run's, for an agent's re-print). */
  run_id: string;
  stream_id: string; // print_streams.id
  file_name: string;
  sequence: number;
  envelope: number;
  created_at: Timestamp;
}

/** The tamper-evident log (RFC 6962 Merkle tree): one row per leaf, `seq` = leaf index. */
export interface ArchiveLogTable {
  seq: number;
  kind: string; // document | audit | tombstone
  /** What the entry is about: a communication id, an audit row id, a tombstone id. */
  ref: string;
  /** The leaf data: canonical JSON, hashed as UTF-8. */
  entry: JsonText;
  leaf_hash: string; // hex
  /** The tree head after this entry (size seq + 1), hex. */
  tree_head: string;
  at: Timestamp;
}

/** One row per log: its size and the heads of its right-edge perfect subtrees (JSON hex array). */
export interface ArchiveLogStateTable {
  name: string;
  size: number;
  frontier: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The inputs a document was rendered from: an encrypted snapshot blob, for replay. */
export interface CommunicationInputsTable {
  communication_id: string;
  /** sha256 of the snapshot's plaintext (canonical JSON); equals communications.input_sha256. */
  input_sha256: string;
  /** sha256 of the stored (encrypted) blob. */
  blob_sha256: string;
  key_id: string;
  node_version: string;
  icu_version: string;
  created_at: Timestamp;
}

/** Per-customer, per-scope (communication type) data keys; deleting one crypto-shreds its snapshots. */
export interface CustomerKeysTable {
  id: string;
  customer_id: string;
  scope: string;
  key: string; // base64, 32 bytes
  created_at: Timestamp;
}

/** PII-free records of what retention or erasure removed. */
export interface ArchiveTombstonesTable {
  id: Generated<number>;
  kind: string;
  target_type: string;
  target_id: string;
  details: JsonText;
  at: Timestamp;
}

/** One counted exposure or success: the key (`x|comm|offer`, `s|comm|offer`) makes it count once. */
export interface ModelStatContributionsTable {
  key: string;
  kind: 'exposure' | 'success';
  communication_id: string;
  offer_id: string;
  segment: string;
  event_id: number | null;
  created_at: Timestamp;
}

/** A studio draft: an editable copy of a template's files and its four-eyes state (migration 0008). */
export interface StudioDraftsTable {
  id: string;
  template_name: string;
  /** The published version the draft was copied from; null when created from a package on disk. */
  base_version_id: string | null;
  /** Package files by relative path, as a JSON document. */
  files: JsonText;
  status: 'draft' | 'submitted' | 'published' | 'discarded';
  created_by: string;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  approved_by: string | null;
  published_version_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Marketers with the approver right (admins have it by role). */
export interface StudioApproversTable {
  user_name: string;
  granted_by: string;
  granted_at: Timestamp;
}

/** An image of the studio's asset library, under its sha256 (see migrations/0024-studio-assets.ts). */
export interface StudioAssetsTable {
  sha256: string;
  name: string;
  kind: 'png' | 'jpeg';
  source_kind: 'png' | 'jpeg' | 'svg';
  width: number;
  height: number;
  size: number;
  /** The re-encoded bytes as base64. */
  data: string;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

/** A brand theme change proposed in the studio (see migrations/0024-studio-brand-changes.ts). */
export interface StudioBrandChangesTable {
  id: string;
  brand_id: string;
  base_sha256: string;
  sha256: string;
  /** The brand folder's files as JSON. */
  files: string;
  status: 'submitted' | 'approved' | 'rejected';
  submitted_by: string;
  submitted_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

/** One edit of a studio draft, for undo/redo (see migrations/0025-studio-draft-history.ts). */
export interface StudioDraftHistoryTable {
  draft_id: string;
  seq: number;
  /** The changed files before the edit, as JSON (null: the edit added the file). */
  before: string;
  /** The changed files after it, as JSON. */
  after: string;
  /** 1 once undone (until the next edit drops it), else 0. */
  undone: number;
  created_at: Timestamp;
}

/** One file loaded into a feed for an as-of period (see migrations/0011-feeds.ts). */
export interface FeedLoadsTable {
  id: Generated<number>;
  datasource: string;
  feed: string;
  as_of: string;
  status: 'loading' | 'current' | 'replaced';
  file_name: string;
  file_sha256: string;
  definition_sha256: string;
  rows: number;
  rejected: number;
  orphans: number;
  /** Exact decimal sum of the control amount field, as text. */
  amount_sum: string | null;
  expected_rows: number | null;
  expected_amount: string | null;
  control_status: 'none' | 'ok' | 'mismatch';
  control_detail: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

/** One row of a feed load: its parent's key, its own key, its file line and its fields as JSON. */
export interface FeedRowsTable {
  load_id: number;
  parent_key: string;
  row_key: string | null;
  line: number;
  data: string;
}

/** A data source definition (datasources/<type>/datasource.yaml) as a run used it. */
export interface DatasourceVersionsTable {
  sha256: string;
  name: string;
  /** The YAML text. */
  definition: string;
  created_at: Timestamp;
}

export interface Database {
  customers: CustomersTable;
  offers: OffersTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  runs: RunsTable;
  communications: CommunicationsTable;
  communication_recipients: CommunicationRecipientsTable;
  communication_corrections: CommunicationCorrectionsTable;
  communication_attachments: CommunicationAttachmentsTable;
  communication_status_history: CommunicationStatusHistoryTable;
  run_failures: RunFailuresTable;
  run_members: RunMembersTable;
  events: EventsTable;
  audit_log: AuditLogTable;
  catalog_versions: CatalogVersionsTable;
  decisions: DecisionsTable;
  model_stats: ModelStatsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  customer_accounts: CustomerAccountsTable;
  print_streams: PrintStreamsTable;
  print_file_documents: PrintFileDocumentsTable;
  archive_log: ArchiveLogTable;
  archive_log_state: ArchiveLogStateTable;
  communication_inputs: CommunicationInputsTable;
  customer_keys: CustomerKeysTable;
  archive_tombstones: ArchiveTombstonesTable;
  model_stat_contributions: ModelStatContributionsTable;
  studio_drafts: StudioDraftsTable;
  studio_approvers: StudioApproversTable;
  studio_assets: StudioAssetsTable;
  studio_brand_changes: StudioBrandChangesTable;
  studio_draft_history: StudioDraftHistoryTable;
  feed_loads: FeedLoadsTable;
  feed_rows: FeedRowsTable;
  datasource_versions: DatasourceVersionsTable;
  tracked_links: TrackedLinksTable;
  pending_blobs: PendingBlobsTable;
  customer_search_keys: CustomerSearchKeysTable;
  portal_challenges: PortalChallengesTable;
  portal_sessions: PortalSessionsTable;
  portal_link_closures: PortalLinkClosuresTable;
  on_demand_requests: OnDemandRequestsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_cursors: WebhookCursorsTable;
}

/** A short tracked link or open pixel of a sent communication (see migrations/0012-tracked-links.ts). */
export interface TrackedLinksTable {
  /** 10 base62 characters: HMAC of (communication, purpose, target) under the tracking key. */
  code: string;
  communication_id: string;
  purpose: 'click' | 'open';
  /** The absolute http(s) URL a click redirects to; empty for the open pixel. */
  target: string;
  offer_id: string | null;
  expires_at: Timestamp;
  created_at: Timestamp;
}

// ColumnType is re-exported for repositories that need insert/update shapes.
export type { ColumnType };

/** A document blob written before its ledger row (migrations/0013-pending-blobs.ts). */
export interface PendingBlobsTable {
  sha256: string;
  run_id: string;
  customer_id: string;
  channel: string;
  created_at: Timestamp;
}

/** A customer's sign-in challenge: an HMAC of the one-time code, never the code (migrations/0014-portal.ts). */
export interface PortalChallengesTable {
  /** sha256 of the challenge secret the browser holds in its cookie. */
  id_sha256: string;
  /** null for a decoy: nobody matched what was typed, and the challenge can never verify. */
  customer_id: string | null;
  /** HMAC of what was typed (customer id, e-mail or phone), for the per-identifier limits. */
  identifier_sha256: string;
  /** HMAC of the contact on file the code went to, for the per-address limit; null when none was sent. */
  destination_sha256: string | null;
  channel: string | null;
  code_hmac: string;
  attempts: ColumnType<number, number | undefined, number>;
  /** 1 when a code was handed to a channel. */
  sent: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** A signed-in customer (self-service portal): apart from staff `sessions`; only the sha256 of the cookie. */
export interface PortalSessionsTable {
  token_sha256: string;
  customer_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** A session opened by a signed document link reads this one communication only; null: signed in with a code (0023). */
  document_id: string | null;
}

/** When a customer last signed out of the portal: document links issued before are closed (0023). */
export interface PortalLinkClosuresTable {
  customer_id: string;
  closed_at: Timestamp;
}

/** A call-center search key of a customer (migrations/0015-customer-search-keys.ts). */
export interface CustomerSearchKeysTable {
  /** `phone4`: the phone's last four digits; `pinyin`: a Chinese name's pinyin (src/core/search-keys.ts). */
  kind: string;
  key: string;
  customer_id: string;
}

/** An on-demand API request, claimed under (caller, idempotency key) before any work (0017). */
export interface OnDemandRequestsTable {
  /** The API user that called (keys are scoped per caller, as Stripe scopes them per account). */
  caller: string;
  idempotency_key: string;
  /** sha256 of the request's canonical JSON: the same key with another body is refused. */
  request_sha256: string;
  run_id: string;
  customer_id: string;
  communication_type: string;
  /** The ledger row once made (archived, suppressed or failed), else null. */
  communication_id: string | null;
  status: string; // processing | done
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Where status webhooks go, with the secret their signatures are made with (0017). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  secret: string;
  description: string;
  active: number; // 0 | 1
  created_by: string;
  created_at: Timestamp;
}

/** One status event for one endpoint: pending until delivered or out of attempts (0017). */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  communication_id: string;
  /** The exact JSON body sent (and signed) on every attempt. */
  payload: JsonText;
  status: string; // pending | delivered | failed
  attempts: number;
  next_attempt_at: Timestamp;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}

/** Every attempt of a webhook delivery: the delivery log (0017). */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  attempt: number;
  at: Timestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** How far the webhook relay has read the status history and the events (0017). */
export interface WebhookCursorsTable {
  source: string;
  last_id: number;
}
