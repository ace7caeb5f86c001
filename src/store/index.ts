/** The database behind every stage: open it with `openStore(config)`, pass `store.db` to the repositories. */

export { AGENT_LETTER_KIND, markAgentLetter } from './agent-letters.ts';
export {
  getArtifactHashes,
  getAuditRows,
  listLedgerDocuments,
  listUnloggedAudits,
  listUnloggedDocuments,
} from './archive-integrity.ts';
export { appendLogEntry, getLogState, LOG_NAME, type LogState, readLogPage } from './archive-log.ts';
export {
  type ArchivedDocument,
  isArtifactStillReferenced,
  listCustomerDocuments,
  listDocumentsDatedBefore,
} from './archived-documents.ts';
export * from './audit.ts';
export { pageEventChanges, pageStatusHistory } from './change-pages.ts';
export {
  type AttachmentRecord,
  listAttachments,
  listAttachmentsOf,
  recordAttachments,
} from './communication-attachments.ts';
export {
  type CorrectionRecord,
  type CorrectionSend,
  type CorrectionStatus,
  decideCorrection,
  getCorrection,
  getCorrectionByClient,
  insertCorrection,
  listCorrectedBy,
  listCorrections,
} from './communication-corrections.ts';
export {
  getCommunicationWithDecision,
  getCustomerCommunicationDecision,
  listRecentPlacements,
  listSentWithDecisions,
  pageSentTreatedDecisions,
} from './communication-decisions.ts';
export {
  countInputsReferencing,
  deleteCommunicationInputs,
  getCommunicationInput,
  saveCommunicationInput,
} from './communication-inputs.ts';
export { getRecipient, saveRecipient } from './communication-recipients.ts';
export * from './communications.ts';
export { deleteCustomerPersonalData, listDataKeyScopes } from './customer-erasure.ts';
export {
  CONSENT_EVENT_TYPES,
  type ContactPreferences,
  findCustomerIdsByPhone,
  setContactPreferences,
  setCustomerConsent,
  setCustomerTrait,
} from './customer-feedback.ts';
export {
  type DataKey,
  getDataKey,
  getOrCreateDataKey,
  getOrCreateDataKeys,
  shredDataKeys,
} from './customer-keys.ts';
export * from './customer-search.ts';
export * from './customers.ts';
export { getDataSourceVersion, saveDataSourceVersion } from './datasource-versions.ts';
export * from './db.ts';
export * from './decisions.ts';
export * from './events.ts';
export {
  abandonFeedLoad,
  clearFeedLoadRows,
  completeFeedLoad,
  currentFeedLoad,
  currentFeedLoadsUpTo,
  type FeedLoad,
  type FeedRowInsert,
  findFeedOrphans,
  insertFeedRows,
  listFeedLoads,
  listFeedRowsOfParent,
  type Orphans,
  readFeedRows,
  staleFeedLoads,
  startFeedLoad,
} from './feeds.ts';
export { countConvertedCustomersByHoldout, countSentCustomersByHoldout } from './holdout-groups.ts';
export { canonicalJson, parseJson } from './json.ts';
export { findLastSentCommunicationId, listContactsSince, pageCommunicationIds } from './ledger-reads.ts';
export {
  countRunContributions,
  insertContributionIfAbsent,
  listSuccessKeys,
} from './model-stat-contributions.ts';
export * from './model-stats.ts';
export * from './offers.ts';
export {
  claimOnDemandRequest,
  completeOnDemandRequest,
  getOnDemandRequest,
  listOnDemandCommunicationIds,
  listOnDemandCommunications,
  type OnDemandRequestRecord,
  releaseOnDemandRequest,
  touchOnDemandRequest,
} from './on-demand-requests.ts';
export {
  clearPendingBlobs,
  countPendingBlobs,
  deletePendingBlob,
  isBlobPendingSince,
  listPendingBlobs,
  type PendingBlob,
  recordPendingBlobs,
} from './pending-blobs.ts';
export {
  closePortalLinks,
  countCodesSent,
  countFailures,
  createPortalSession,
  deleteExpiredPortalSessions,
  deleteOldChallenges,
  deletePortalSession,
  findCustomerIdsByContact,
  findPortalSession,
  getChallenge,
  insertChallenge,
  portalLinksClosedAt,
  setCustomerLocale,
  takeAttempt,
  useChallenge,
} from './portal.ts';
export * from './print-file-documents.ts';
export * from './print-streams.ts';
export { pagePrintedLetterIds } from './printed-letters.ts';
export { findReceivedDocument, pageReceivedDocuments } from './received-documents.ts';
export * from './retry-failures.ts';
export * from './run-failures.ts';
export { countRunByChannel, listCustomerIdsInRun, summarizeRunCommunications } from './run-ledger-counts.ts';
export { addRunMembers, countRunMembers, streamRunMemberIds } from './run-members.ts';
export { listPeriodRuns, markRunSuperseded, type PeriodRun } from './run-periods.ts';
export {
  countCommunicationsWithHistoryCode,
  countFailuresByStage,
  countRowsPerMinute,
  countRunOwnCustomers,
  countSuppressionsByReason,
  pageRunDecisions,
  tallyRunLedger,
} from './run-report-figures.ts';
export { documentsPerMinuteByChannel, type MinuteCount } from './run-throughput.ts';
export { type RunWorkLeft, readRunWorkLeft } from './run-work-left.ts';
export * from './runs.ts';
export type { Database } from './schema.ts';
export { pingStore } from './store-ping.ts';
export {
  type AssetRecord,
  getStudioAsset,
  getStudioAssetBytes,
  insertStudioAsset,
  listStudioAssets,
  type NewAsset,
} from './studio-assets.ts';
export {
  type BrandChangeRecord,
  decideBrandChange,
  getBrandChange,
  insertBrandChange,
  listBrandChanges,
} from './studio-brand-changes.ts';
export {
  DRAFT_HISTORY_LIMIT,
  type DraftEdit,
  draftHistoryCounts,
  markDraftEdit,
  nextDraftEdit,
  recordDraftEdit,
} from './studio-draft-history.ts';
export {
  type DraftRecord,
  getDraft,
  grantStudioApprover,
  insertDraft,
  isStudioApprover,
  listDrafts,
  listStudioApprovers,
  updateDraftIf,
} from './studio-drafts.ts';
export * from './templates.ts';
export { addTombstone, listTombstones, type Tombstone, type TombstoneKind } from './tombstones.ts';
export {
  deleteTrackedLinks,
  getTrackedLink,
  insertTrackedLinks,
  listTrackedLinks,
  type TrackedLinkRecord,
} from './tracked-links.ts';
export { countAbsentTraits, customerTraitPages } from './trait-coverage.ts';
export { inTransaction } from './transaction.ts';
export * from './users.ts';
export {
  advanceWebhookCursor,
  type DeliveryStatus,
  deactivateWebhookEndpoint,
  firstCursor,
  getWebhookCursor,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  leaseWebhookDelivery,
  listDueWebhookDeliveries,
  listWebhookAttempts,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type NewDelivery,
  recordWebhookAttempt,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from './webhooks.ts';
