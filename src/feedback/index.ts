/** The feedback stage's public surface: other stages import feedback only through this file (or heavy.ts). */
export { changeContactPreferences, recordCallNote } from './contact-preferences.ts';
export { importConversions } from './conversions.ts';
export { recordEmailUnsubscribe } from './email-unsubscribe.ts';
export { DISPOSITIONS, type RecordResult, recordDisposition, recordFeedbackEvent } from './events.ts';
export { type LinkTracking, linkTrackingFromConfig } from './link-tracking.ts';
export { recordExposures, recordPrintedExposures, syncModel } from './model-stats.ts';
export { evaluatePolicy } from './policy-evaluation.ts';
export {
  DEFAULT_PORTAL_LINK_DAYS,
  derivePortalLinkKey,
  type PortalLinkClaims,
  portalDocumentUrl,
  portalLinkFor,
  signPortalLink,
  verifyPortalLink,
  withPortalLink,
} from './portal-link.ts';
export { trackPrintOffers } from './print-links.ts';
export { type CampaignReport, campaignReport, type OfferSegmentRow } from './reports.ts';
export { defaultBankData, loadSimCustomers } from './simulation/bank-customers.ts';
export type { LearningPath, ReceivedOffer, WeekRun, WeekSend } from './simulation/learning-path.ts';
export { createMemoryBlobStore } from './simulation/memory-blob-store.ts';
export { simulationJson, simulationSvg, simulationTable } from './simulation/plot.ts';
export {
  offerLink,
  type ReceivedLinks,
  readReceivedEmail,
  readReceivedSms,
} from './simulation/received-message.ts';
export { type SimCustomer, type SimulationResult, simulate } from './simulation/simulate.ts';
export type { Interval } from './stats.ts';
export { DEFAULT_SUCCESS_RULES, parseSuccessRules, type SuccessRules } from './success.ts';
export { recordTrackingEvent } from './tracking-events.ts';
export {
  assertHttpTarget,
  loadTrackingKey,
  type TokenPurpose,
  type TrackingClaims,
  verifyToken,
} from './tracking-token.ts';
