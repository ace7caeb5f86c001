/** The batch stage's public surface: other stages import batch only through this file (or heavy.ts). */
export type { BatchDeps } from './batch-deps.ts';
export { formatRunReport, possibleDuplicatesLine } from './format-run-report.ts';
export { type ResolvedRun, resolveRun } from './resolve-run.ts';
export { paperInsteadSummary } from './run-channels.ts';
export { cancelRun, pauseRun, resumeRun, retryFailed } from './run-control.ts';
export { createRunDecisions, type RunDecisions } from './run-decisions.ts';
export { finishRun } from './run-finish.ts';
export { claimRunPeriod, type PeriodClaim } from './run-period.ts';
export {
  buildRunReport,
  countPossibleDuplicates,
  type RunReport,
  type RunTiming,
  readRunTiming,
} from './run-report.ts';
export { type RunRequest, runIdFor } from './run-request.ts';
export {
  ALL_CUSTOMERS,
  assertSegmentKnown,
  type FileSourceOptions,
  parseSourceKey,
  prepareFileRun,
  type RunSourceSpec,
  sourceKeyFor,
} from './run-source.ts';
export type { RunProgress } from './watch-run.ts';
