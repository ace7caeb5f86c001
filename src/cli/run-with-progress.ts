import path from 'node:path';
import { executeRun, type RunOutcome } from '../batch/heavy.ts';
import {
  type BatchDeps,
  countPossibleDuplicates,
  possibleDuplicatesLine,
  type RunProgress,
  type RunRequest,
  type RunTiming,
} from '../batch/index.ts';
import { closeChannels, createChannels } from '../channels/heavy.ts';
import type { ChannelConfig } from '../core/config.ts';
import { linkTrackingFromConfig } from '../feedback/index.ts';
import { countRunByChannel } from '../store/index.ts';
import { createProgressBar } from './progress-bar.ts';
import type { QueueRuntime } from './runtime.ts';

export function batchDeps(rt: QueueRuntime): BatchDeps {
  return {
    dispatchRates: { email: rt.config.channels.emailRate, sms: rt.config.channels.smsRate },
    db: rt.store.db,
    blobs: rt.blobs,
    logger: rt.logger,
    connect: rt.connect,
    queuePrefix: rt.queuePrefix,
    datasourcesDir: rt.config.datasourcesDir,
    tracking: linkTrackingFromConfig(rt.config),
    chunkSize: rt.config.chunkSize,
    concurrency: rt.config.concurrency,
    jobLockMs: rt.config.jobLockMs,
    workerIdleMs: rt.config.workerIdleMs,
    renderLimits: rt.config.renderLimits,
    signal: rt.lost,
    diskFull: rt.diskFull,
    sendJournalDir: path.join(rt.config.dataDir, 'send-journal'),
    sandbox: rt.config.renderSandbox
      ? {
          store: rt.config.databaseUrl
            ? { databaseUrl: rt.config.databaseUrl }
            : { sqlitePath: rt.config.sqlitePath },
          archiveDir: rt.config.archiveDir,
        }
      : undefined,
  };
}

/**
 * Executes a run with a live progress bar on stderr; email and SMS go out through the channels the
 * configuration names (or `channelConfig`, e.g. the demo's sinks).
 */
export async function runWithProgress(
  rt: QueueRuntime,
  request: RunRequest,
  channelConfig: ChannelConfig = rt.config.channels,
): Promise<RunOutcome> {
  const bar = createProgressBar({ label: 'rendering', unit: 'documents' });
  const channels = createChannels(channelConfig);
  // The ledger counts a customer's fallback paper as a second row: the bar counts customers done.
  const shown = (p: RunProgress) => Math.min(p.done, p.total);
  try {
    const outcome = await executeRun({ ...batchDeps(rt), channels }, request, (p: RunProgress) => {
      const extra = { failed: p.byStatus.failed ?? 0 };
      if (p.done >= p.total) bar.finish(p.total, p.total, extra);
      else bar.update(shown(p), p.total, extra);
    });
    // Stopped early (paused, cancelled) or found done: end at the count the run has now.
    bar.finish(shown(outcome.progress), outcome.progress.total, {
      failed: outcome.progress.byStatus.failed ?? 0,
    });
    return outcome;
  } finally {
    bar.stop();
    await closeChannels(channels);
  }
}

/** One line per channel: how many documents went where, by status. */
export async function formatChannelSummary(rt: QueueRuntime, runId: string): Promise<string> {
  const byChannel = await countRunByChannel(rt.store.db, runId);
  const lines = Object.entries(byChannel)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, statuses]) => {
      const parts = Object.entries(statuses).map(([status, n]) => `${n} ${status}`);
      return `  ${channel.padEnd(16)} ${parts.join(', ')}`;
    });
  const duplicates = possibleDuplicatesLine(await countPossibleDuplicates(rt.store.db, runId));
  if (duplicates) lines.push(`  ${duplicates}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * The end of `missive run`: counts, and the time and rate of the run as its own record has them
 * (`readRunTiming`: recorded start to finish, as `missive runs report` says) — never this process's
 * share of it, which after a resume can be a few milliseconds.
 */
export function formatRunSummary(outcome: RunOutcome, archiveDir: string, timing: RunTiming): string {
  const p = outcome.progress;
  const archived = p.byStatus.archived ?? 0;
  const failed = p.byStatus.failed ?? 0;
  const others = ['sent', 'pending', 'unknown', 'suppressed']
    .filter((s) => (p.byStatus[s] ?? 0) > 0)
    .map((s) => `, ${p.byStatus[s]} ${s}`)
    .join('');
  const nothingNew =
    outcome.status === 'failed'
      ? ' (failed before: nothing new to do until `missive runs retry-failed`)'
      : ' (already complete: nothing new to do)';
  const lines = [
    `run ${outcome.runId}${outcome.didWork ? '' : nothingNew}`,
    `  customers        ${p.total}`,
    `  documents        ${archived} archived${others}, ${failed} failed`,
    `  pages            ${p.pages}`,
    `  bytes            ${p.bytes} (${(p.bytes / 1024 / 1024).toFixed(1)} MiB)`,
  ];
  if (outcome.didWork) {
    const rate = (timing.customersPerSecond ?? 0).toFixed(1);
    const since = timing.startedAt ? ` (the whole run, since ${timing.startedAt})` : '';
    lines.push(`  wall time        ${((timing.wallTimeMs ?? 0) / 1000).toFixed(1)} s${since}`);
    // A failed run made nothing: its rate is of customers that failed, not of documents.
    lines.push(
      outcome.status === 'failed'
        ? `  documents/s      0 (no document was made; ${rate} customers/s failed)`
        : `  documents/s      ${rate}`,
    );
  }
  lines.push(`  archive          ${archiveDir}`);
  return `${lines.join('\n')}\n`;
}
