/** The render stage's public surface: other stages import render only through this file (or heavy.ts). */
export { makeArtifact } from './artifact.ts';
export { decodeEmail, EMAIL_MIME, type EmailPurpose, encodeEmail } from './email.ts';
export { type AttachmentPlan, attachPlannedDocuments, emailAttachmentPlan } from './email-documents.ts';
export { createGuardedRenderer, type RenderLimits, type TemplateSource } from './guard/guarded-renderer.ts';
export { SHORT_CODE, shortClickUrl, shortCode, type TokenPurpose } from './short-links.ts';
export { type SmsEncoding, smsSegments } from './sms-segments.ts';
export {
  applyTracking,
  isTrackedChannel,
  offerTargets,
  type TrackingPlan,
  trackArtifact,
  trackedLinkRows,
} from './tracked-links.ts';
export { renderWebView } from './web-view.ts';
