/** The portal stage's public surface: other stages import portal only through this file (or heavy.ts). */
export { portalLocaleOf } from './code-message.ts';
export { type CodeSender, channelCodeSender, channelNoticeSender, type NoticeSender } from './code-sender.ts';
export { openDocumentLink } from './document-link.ts';
export {
  customerDocument,
  listCustomerDocuments,
  type PortalDocument,
  readCustomerDocument,
  recordDocumentView,
} from './documents.ts';
export { DEFAULT_PORTAL_LIMITS, type PortalLimits } from './limits.ts';
export type { PreferenceNotice } from './notice-message.ts';
export {
  answerOffer,
  listRecentOffers,
  OFFER_ANSWERS,
  type OfferAnswer,
  type PlacedOffer,
} from './offers.ts';
export {
  getPreferences,
  type PreferenceForm,
  type PreferenceHistoryEntry,
  type Preferences,
  preferenceHistory,
  savePreferences,
  unsubscribeAll,
} from './preferences.ts';
export { contactOnFile, startSignIn, verifySignIn } from './sign-in.ts';
export { documentWebView } from './web-view.ts';
