/** Print streams: a run's documents as print files for the print house (see docs/ARCHITECTURE.md). */
export { type AssembledStream, assembleStream } from './assemble-stream.ts';
export {
  buildPrintStreams,
  PRINT_STAGE,
  type PrintStreamOutcome,
  type PrintStreamRequest,
} from './build-print-streams.ts';
export * from './confirm-line.ts';
export { type ConfirmOutcome, confirmPrintFile } from './confirm-print-file.ts';
export { type Envelope, groupEnvelopes, splitStreams } from './envelopes.ts';
export { householdKey } from './household.ts';
export { loadPrintEntries } from './load-entries.ts';
export * from './manifest.ts';
export { markInPrintFile } from './mark-in-print-file.ts';
export * from './mark-payload.ts';
export { DEFAULT_PRINT_STREAM_OPTIONS, type PrintStreamOptions, printStreamOptions } from './options.ts';
export { planPrintStreams } from './plan-streams.ts';
export { comparePostalOrder, sortForPrint } from './postal-order.ts';
export type { PrintEntry, UsableAddress } from './print-entry.ts';
export * from './print-lifecycle.ts';
export { planSheets } from './sheet-plan.ts';
