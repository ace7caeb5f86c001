import { FlowProducer } from 'bullmq';
import { settledWithin, unlessAborted } from '../core/abortable.ts';
import type { RunStatus } from '../core/types.ts';
import { createRunIfAbsent, getRun } from '../store/index.ts';
import type { BatchDeps } from './batch-deps.ts';
import { startBatchStages } from './batch-stages.ts';
import { dispatchRun, relayWhileRendering } from './foreground-dispatch.ts';
import { planAndStart } from './plan-and-start.ts';
import { createRenderQueue, quiet } from './queues.ts';
import { checkRunChannels } from './run-channels.ts';
import { finishRun } from './run-finish.ts';
import { type RunRequest, runIdFor } from './run-request.ts';
import { countRunCustomers, prepareRunSource } from './run-source.ts';
import { LOST_REDIS_CLOSE_MS } from './shutdown.ts';
import { type RunProgress, readRunProgress, waitForRun } from './watch-run.ts';

/** The foreground run: `missive run` (and the demo, the API's tests) plans, renders and sends here. */

export interface RunOutcome {
  runId: string;
  /** False when the run had been completed before and this call found nothing left to do. */
  didWork: boolean;
  chunks: number;
  progress: RunProgress;
  /** Where the run stands: completed, or paused/cancelled (stopped early), or running (detached). */
  status: RunStatus;
}

export interface ExecuteOptions {
  /** Return right after planning; `missive worker` processes (or a later `missive run`) do the work. */
  detach?: boolean;
}

/**
 * Runs (or resumes) the run named by `request`. A paused or cancelled run is left as it is (resume
 * it with `missive runs resume`); a run whose customers all have a ledger row only gets its
 * unfinished sends picked up again. Otherwise the run is planned under its current plan generation,
 * then rendered and dispatched here (startBatchStages, as `missive worker` does) until done, paused
 * or cancelled — or, detached, left to workers. Throws `deps.signal`'s reason when Redis is lost or
 * the disk is full, and planning's errors (e.g. data not ready).
 */
export async function executeRun(
  deps: BatchDeps,
  request: RunRequest,
  onProgress?: (progress: RunProgress) => void,
  options: ExecuteOptions = {},
): Promise<RunOutcome> {
  const runId = runIdFor(request);
  const { run } = await createRunIfAbsent(deps.db, {
    id: runId,
    communicationType: request.communicationType,
    templateVersionId: request.templateVersionId,
    asOf: request.asOf,
    source: request.source,
    options: {},
  });
  const before = await readRunProgress(deps.db, runId, run.customersTotal ?? 0, Date.now());
  if (run.status === 'paused' || run.status === 'cancelled' || (run.status === 'completed' && options.detach))
    return { runId, didWork: false, chunks: 0, progress: before, status: run.status };
  // A segment's members are listed before the run is first planned (a file's, by `missive run`).
  if (run.customersTotal === null) await prepareRunSource(deps.db, run);
  const customers = await countRunCustomers(deps.db, run);
  if (before.done >= customers && !options.detach) {
    // Rendered before: only sends that did not finish (a killed dispatch) are picked up again.
    const sent = await dispatchRun(deps, runId);
    const status = await finishRun(deps, runId);
    const progress = sent > 0 ? await readRunProgress(deps.db, runId, customers, Date.now()) : before;
    return { runId, didWork: sent > 0, chunks: 0, progress: { ...progress, total: customers }, status };
  }
  // This process sends what it renders: e-mail or SMS it has no transport for is paper (a type the
  // law wants on paper) or a refusal, before anything is rendered (run-channels.ts).
  const checked =
    deps.channels && !options.detach
      ? await checkRunChannels({ db: deps.db, logger: deps.logger, channels: deps.channels }, run)
      : run;
  const queue = createRenderQueue(deps.connect(), deps.queuePrefix);
  const flow = quiet(new FlowProducer({ connection: deps.connect(), prefix: deps.queuePrefix }));
  let plan: { customers: number; chunks: number };
  try {
    plan = await unlessAborted(planAndStart(deps, queue, checked, flow, { prepared: true }), deps.signal);
  } catch (err) {
    await settledWithin(queue.close(), LOST_REDIS_CLOSE_MS);
    throw err;
  } finally {
    await settledWithin(flow.close(), LOST_REDIS_CLOSE_MS);
    if (options.detach) await queue.close();
  }
  if (options.detach) {
    const progress = await readRunProgress(deps.db, runId, plan.customers, Date.now());
    return { runId, didWork: true, chunks: plan.chunks, progress, status: 'running' };
  }
  // The flow's parents close the run too (whoever is first); print streams stay `missive print-streams`'s here.
  const stages = startBatchStages(deps, { limits: deps.renderLimits });
  const relay = stages.dispatch && relayWhileRendering(deps, stages.dispatch, runId);
  try {
    const stopped = async () => {
      const status = (await getRun(deps.db, runId))?.status;
      return status === 'paused' || status === 'cancelled';
    };
    const rendered = await waitForRun(deps.db, runId, plan.customers, {
      onProgress,
      shouldStop: stopped,
      signal: deps.signal,
    });
    deps.signal?.throwIfAborted();
    await relay?.stop();
    if (await stopped()) {
      const status = (await getRun(deps.db, runId))!.status;
      return { runId, didWork: true, chunks: plan.chunks, progress: rendered, status };
    }
    await dispatchRun(deps, runId, stages);
    // Statuses after sending; time and rate are the render stage's.
    const after = await readRunProgress(deps.db, runId, plan.customers, Date.now());
    const progress = { ...rendered, byStatus: after.byStatus, done: after.done };
    const status = await finishRun(deps, runId);
    return { runId, didWork: true, chunks: plan.chunks, progress, status };
  } finally {
    if (deps.signal?.aborted) {
      // Redis is gone: close without waiting on it (chunks in hand are BullMQ's stalled jobs later).
      const closing = Promise.allSettled([relay?.stop(), stages.close({ force: true }), queue.close()]);
      await settledWithin(closing, LOST_REDIS_CLOSE_MS);
    } else {
      await relay?.stop();
      await stages.close();
      await queue.close();
    }
  }
}
