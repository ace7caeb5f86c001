import { settledWithin, unlessAborted } from '../core/abortable.ts';
import type { BatchDeps } from './batch-deps.ts';
import { openDispatch } from './open-dispatch.ts';
import { LOST_REDIS_CLOSE_MS } from './shutdown.ts';
import { createRenderChunkDeps } from './workers/chunk-deps.ts';
import type { DispatchStage } from './workers/dispatch-worker.ts';
import type { RenderChunkDeps } from './workers/render-chunk.ts';
import { renderPendingPrint } from './workers/render-fallback.ts';

/**
 * The dispatch stage of a foreground run (execute-run.ts): sends go out while the run is still
 * rendering (relayWhileRendering), and the run's end waits for them (dispatchRun). `missive worker`
 * does the same from its coordinator (run-coordinator.ts).
 */

/**
 * While the run renders, queues its new sends, one relay at a time. A relay reads every unsent
 * email/SMS of the run, so it costs more as a backlog builds: the pause after each is at least
 * `everyMs` and 20 times as long as the relay took, which keeps the relay under ~5 % of this
 * process — sending shares it (a 1M-customer run with a fixed 5 s relay slowed sends to 5/s at
 * 250,000 ledger rows).
 */
export function relayWhileRendering(
  deps: Pick<BatchDeps, 'logger'>,
  stage: DispatchStage,
  runId: string,
  everyMs = 5_000,
): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        await stage.enqueueRun(runId, { onlyNew: true });
      } catch (err) {
        deps.logger.warn({ runId, err: (err as Error).message }, 'dispatch relay failed');
      }
      const pause = Math.max(everyMs, 20 * (Date.now() - started));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pause).unref();
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

/** How many times the end of a run re-queues sends whose job ended unsent (dispatchRun). */
const STRANDED_ROUNDS = 3;

/**
 * The end of the dispatch stage: every email/SMS of the run that is not final goes on its channel's
 * queue, and this waits until the queues are drained; then bounced documents the law wants
 * delivered are rendered for paper. Returns how many sends were queued by this last relay.
 * `open`: the stages this process already runs (startBatchStages); without them, a dispatch stage
 * is opened here and closed at the end. Throws `deps.signal`'s reason when it is aborted.
 */
export async function dispatchRun(
  deps: BatchDeps,
  runId: string,
  open?: { dispatch: DispatchStage | undefined; chunks: RenderChunkDeps },
): Promise<number> {
  const stage = open ? open.dispatch : openDispatch(deps);
  if (!stage) return 0;
  try {
    const queued = await unlessAborted(stage.enqueueRun(runId), deps.signal);
    if (queued > 0) deps.logger.info({ runId, queued }, 'dispatch queued');
    await unlessAborted(stage.drained(), deps.signal);
    // A send whose job ended without sending it (it threw) is queued again, a few rounds at most.
    for (let round = 0; round < STRANDED_ROUNDS; round += 1) {
      const again = await unlessAborted(stage.requeueStranded(runId), deps.signal);
      if (again === 0) break;
      deps.logger.warn(
        { runId, again, round: round + 1 },
        'unsent sends whose job had ended were queued again',
      );
      await unlessAborted(stage.drained(), deps.signal);
    }
    const chunks =
      open?.chunks ??
      createRenderChunkDeps(deps.db, deps.blobs, deps.logger, {
        limits: deps.renderLimits,
        tracking: deps.tracking,
      });
    const paper = await renderPendingPrint(chunks, runId);
    if (paper > 0) deps.logger.info({ runId, paper }, 'fallback print documents rendered');
    return queued;
  } finally {
    if (!open && deps.signal?.aborted) await settledWithin(stage.close(), LOST_REDIS_CLOSE_MS);
    else if (!open) await stage.close();
  }
}
