/**
 * The on-demand stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 */

export { type CopyDeps, type CopyRequest, type CopyResult, copyCommunication } from './agent-copies.ts';
export {
  LETTER_EVENT,
  type LetterDeps,
  type LetterRequest,
  type LetterTemplate,
  listLetterTemplates,
  previewAgentLetter,
  requireLetterTemplate,
  sendAgentLetter,
} from './agent-letters.ts';
export { findOnDemandResult } from './communicate.ts';
export {
  CORRECTION_EVENTS,
  type CorrectionActor,
  type CorrectionDeps,
  type CorrectionForm,
  type CorrectionRequest,
  type CorrectionResult,
  correctionForm,
  decidePendingCorrection,
  requestCorrection,
} from './corrections.ts';
export { createOnDemandService, type OnDemandService } from './on-demand-service.ts';
