import { type BatchDeps, executeRun, type RunOutcome, type RunRequest } from '../batch/execute-run.ts';
import type { RunProgress } from '../batch/progress.ts';
import { createProgressBar } from './progress-bar.ts';
import type { QueueRuntime } from './runtime.ts';

export function batchDeps(rt: QueueRuntime): BatchDeps {
  return {
    db: rt.store.db,
    blobs: rt.blobs,
    logger: rt.logger,
    connect: rt.connect,
    queuePrefix: rt.config.queuePrefix,
    chunkSize: rt.config.chunkSize,
    concurrency: rt.config.concurrency,
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

/** Executes a run with a live progress bar on stderr. */
export async function runWithProgress(rt: QueueRuntime, request: RunRequest): Promise<RunOutcome> {
  const bar = createProgressBar('rendering', ' | failed {failed}');
  try {
    return await executeRun(batchDeps(rt), request, (p: RunProgress) =>
      bar.update(p.done, p.total, { rate: p.ratePerSecond.toFixed(1), failed: p.byStatus.failed ?? 0 }),
    );
  } finally {
    bar.stop();
  }
}

export function formatRunSummary(outcome: RunOutcome, archiveDir: string): string {
  const p = outcome.progress;
  const archived = p.byStatus.archived ?? 0;
  const failed = p.byStatus.failed ?? 0;
  const lines = [
    `run ${outcome.runId}${outcome.didWork ? '' : ' (already complete: nothing new to do)'}`,
    `  customers        ${p.total}`,
    `  documents        ${archived} archived, ${failed} failed`,
    `  pages            ${p.pages}`,
    `  bytes            ${p.bytes} (${(p.bytes / 1024 / 1024).toFixed(1)} MiB)`,
  ];
  if (outcome.didWork) {
    lines.push(`  wall time        ${(p.elapsedMs / 1000).toFixed(1)} s`);
    lines.push(`  documents/s      ${p.ratePerSecond.toFixed(1)}`);
  }
  lines.push(`  archive          ${archiveDir}`);
  return `${lines.join('\n')}\n`;
}
