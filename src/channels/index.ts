/** The channels stage's public surface: other stages import channels only through this file (or heavy.ts). */
export type { Channel } from './channel.ts';
export { catalogDeliveryPolicy, policyByName } from './delivery-policy.ts';
export { type DispatchDeps, dispatchCommunication, RESENT_AFTER_UNKNOWN } from './dispatch.ts';
export { dispatchablePages, dispatchWithRetries } from './dispatch-loop.ts';
export {
  type ConfirmDeps,
  type ConfirmOutcome,
  type ConfirmReject,
  confirmPrintFile,
} from './print-stream/confirm-print-file.ts';
export { type PrintStreamOptions, printStreamOptions } from './print-stream/options.ts';
export { PRINT_HOUSE_STATUSES, type PrintHouseStatus } from './print-stream/print-lifecycle.ts';
export { openSendJournal } from './send-journal.ts';
export { applyTwilioStatus } from './twilio-status.ts';
