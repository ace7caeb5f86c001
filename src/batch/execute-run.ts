import { FlowProducer, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/blob-store.ts';
import type { Channel } from '../channels/channel.ts';
import { catalogDeliveryPolicy } from '../channels/delivery-policy.ts';
import { openSendJournal } from '../channels/send-journal.ts';
import { settledWithin, unlessAborted } from '../core/abortable.ts';
import { SHIPPED_DATASOURCES_DIR } from '../core/config.ts';
import type { DiskFullWatch } from '../core/disk-full.ts';
import { stableId } from '../core/hash.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind, RunStatus } from '../core/types.ts';
import type { LinkTracking } from '../feedback/link-tracking.ts';
import { recordExposures } from '../feedback/model-stats.ts';
import {
  createRunIfAbsent,
  getRun,
  type RunRecord,
  setRunTotal,
  transitionRunStatus,
} from '../store/runs.ts';
import type { Database } from '../store/schema.ts';
import { planRun } from './planner.ts';
import { type RunProgress, readRunProgress, waitForRun } from './progress.ts';
import { createRenderQueue, type DispatchChannel, quiet, type RenderChunkJob } from './queues.ts';
import { explainRedisError } from './redis-connection.ts';
import { checkRunChannels } from './run-channels.ts';
import { prepareRunData } from './run-data.ts';
import { finishRun } from './run-finish.ts';
import { countRunCustomers, prepareRunSource } from './run-source.ts';
import { createTemplateCache } from './template-cache.ts';
import { createRenderChunkDeps } from './workers/chunk-deps.ts';
import { type DispatchStage, startDispatchStage } from './workers/dispatch-worker.ts';
import { startFinalizeWorker } from './workers/finalize-worker.ts';
import { renderPendingPrint } from './workers/render-fallback.ts';
import type { SandboxLocation } from './workers/render-sandbox.ts';
import { startRenderWorker } from './workers/render-worker.ts';

export interface RunRequest {
  communicationType: string;
  templateVersionId: string;
  asOf: string; // YYYY-MM-DD
  /** Where the customers come from: `store:all`, `segment:<name>` or `file:<hash>` (see run-source.ts). */
  source: string;
}

export interface BatchDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  connect(): Redis;
  queuePrefix: string;
  chunkSize: number;
  concurrency: number;
  /** Render in sandboxed child processes that open the store and archive here (see render-sandbox.ts). */
  sandbox?: SandboxLocation | undefined;
  /**
   * Email and SMS channels (src/channels/registry.ts) this process sends on. Given (even empty), a
   * foreground run checks them before rendering: a channel its type may choose that is missing is
   * paper (paper by law) or a refusal (src/batch/run-channels.ts). Undefined: nothing is sent here
   * (workers elsewhere send), and those documents wait archived.
   */
  channels?: Partial<Record<ChannelKind, Channel>> | undefined;
  /** BullMQ job lock of the workers (ms): how soon a dead worker's jobs are taken up again. */
  jobLockMs?: number | undefined;
  /** How long a worker may sit idle with jobs waiting after a Redis reconnect before it is recreated. */
  workerIdleMs?: number | undefined;
  /** Jobs per second of each dispatch queue. */
  dispatchRates?: Record<DispatchChannel, number> | undefined;
  /** The data source definitions (default: the ones Missive ships). */
  datasourcesDir?: string | undefined;
  /**
   * Short tracked links of marketing e-mail and SMS rendered in this process (sandboxed renders
   * read the same settings from the configuration); without them such documents fail.
   */
  tracking?: LinkTracking | undefined;
  /**
   * Aborted (reason: a MissiveError) when Redis is given up on (src/cli/runtime.ts `redisLost`): the
   * run stops waiting, closes its workers without waiting on Redis and throws the reason.
   */
  signal?: AbortSignal | undefined;
  /**
   * The folder of the send journal (src/channels/send-journal.ts): a provider's acceptance is kept
   * there before the ledger records it, so a `sent` the store refused is never sent again.
   */
  sendJournalDir?: string | undefined;
  /**
   * Told of every job that failed on a full disk; its `signal` is part of `signal` (the CLI's
   * runtime), so the run stops with one MSV_DISK_FULL error and resumes once space is back.
   */
  diskFull?: DiskFullWatch | undefined;
}

/** How long a run that lost Redis waits for its workers to close before leaving them. */
const LOST_REDIS_CLOSE_MS = 3_000;

export interface RunOutcome {
  runId: string;
  /** False when the run had been completed before and this call found nothing left to do. */
  didWork: boolean;
  chunks: number;
  progress: RunProgress;
  /** Where the run stands: completed, or paused/cancelled (stopped early), or running (detached). */
  status: RunStatus;
}

/**
 * A run is named by what it produces — (type, as-of date, template version, source) — so asking for
 * the same run again resumes it instead of starting a second one: nothing is rendered or sent twice.
 */
export function runIdFor(request: RunRequest): string {
  return stableId('run', request.communicationType, request.asOf, request.templateVersionId, request.source);
}

export interface ExecuteOptions {
  /** Return right after planning; `missive worker` processes (or a later `missive run`) do the work. */
  detach?: boolean;
}

/**
 * Runs (or resumes) the run named by `request`. A paused or cancelled run is left as it is (resume
 * it with `missive runs resume`); a run whose customers all have a ledger row only gets its
 * unfinished sends picked up again. Otherwise the run is planned under its current plan generation,
 * then rendered and dispatched here until done, paused or cancelled — or, detached, left to workers.
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
  const chunkDeps = createRenderChunkDeps(deps.db, deps.blobs, deps.logger, { tracking: deps.tracking });
  const worker = startRenderWorker(chunkDeps, {
    connection: deps.connect(),
    prefix: deps.queuePrefix,
    concurrency: deps.concurrency,
    sandbox: deps.sandbox,
    lockMs: deps.jobLockMs,
    idleMs: deps.workerIdleMs,
    diskFull: deps.diskFull,
  });
  // The flow's parents close the run too (whoever is first); print streams stay `missive print-streams`'s here.
  const finalizer = startFinalizeWorker(deps, {
    connection: deps.connect(),
    prefix: deps.queuePrefix,
    lockMs: deps.jobLockMs,
    idleMs: deps.workerIdleMs,
  });
  const dispatch = openDispatch(deps);
  const relay = dispatch && relayWhileRendering(deps, dispatch, runId);
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
    await dispatchRun(deps, runId, dispatch);
    // Statuses after sending; time and rate are the render stage's.
    const after = await readRunProgress(deps.db, runId, plan.customers, Date.now());
    const progress = { ...rendered, byStatus: after.byStatus, done: after.done };
    const status = await finishRun(deps, runId);
    return { runId, didWork: true, chunks: plan.chunks, progress, status };
  } finally {
    if (deps.signal?.aborted) {
      // Redis is gone: close without waiting on it (chunks in hand are BullMQ's stalled jobs later).
      const closing = Promise.allSettled([
        relay?.stop(),
        dispatch?.close(),
        worker.close(true),
        finalizer.close(true),
        queue.close(),
      ]);
      await settledWithin(closing, LOST_REDIS_CLOSE_MS);
    } else {
      await relay?.stop();
      await dispatch?.close();
      await worker.close();
      await finalizer.close();
      await queue.close();
    }
  }
}

/**
 * Plans the run under its plan generation (re-planning adds no chunk twice), records its customer
 * count and moves it to `running` — unless it was paused or cancelled meanwhile.
 */
export async function planAndStart(
  deps: Pick<BatchDeps, 'db' | 'logger' | 'chunkSize' | 'datasourcesDir'>,
  queue: Queue<RenderChunkJob>,
  run: RunRecord,
  flow?: FlowProducer,
  options: { prepared?: boolean } = {},
): Promise<{ customers: number; chunks: number }> {
  if (!options.prepared) await prepareRunSource(deps.db, run);
  await prepareData(deps, run);
  const plan = await planRun(deps.db, queue, run, deps.chunkSize, run.generation, flow).catch(
    (err: unknown) => {
      throw explainRedisError(err);
    },
  );
  await setRunTotal(deps.db, run.id, plan.customers);
  await transitionRunStatus(deps.db, run.id, ['planning', 'running', 'failed', 'completed'], 'running');
  deps.logger.info(
    { runId: run.id, customers: plan.customers, chunks: plan.chunks, generation: run.generation },
    'run planned',
  );
  return plan;
}

/**
 * The run's document data must be obtainable before any chunk is planned: its data source meets the
 * template's contract and its feeds are loaded for the period (src/batch/run-data.ts). When not, the
 * run is marked failed (nothing was touched; planning it again after the feeds are loaded resumes it)
 * and the reason is thrown.
 */
async function prepareData(deps: Pick<BatchDeps, 'db' | 'logger' | 'datasourcesDir'>, run: RunRecord) {
  try {
    const template = await createTemplateCache(deps.db).get(run.templateVersionId);
    await prepareRunData(deps.db, run, template, deps.datasourcesDir ?? SHIPPED_DATASOURCES_DIR);
  } catch (err) {
    deps.logger.warn(
      { runId: run.id, code: (err as { code?: string }).code },
      'run refused: its data is not ready',
    );
    await transitionRunStatus(deps.db, run.id, ['planning'], 'failed');
    throw err;
  }
}

/**
 * The dispatch stage of a foreground run: one dispatch worker per configured channel, started with
 * the render workers so that sends go out while the run is still rendering (the ledger is the
 * outbox: a relay queues every email/SMS not yet final, each under its delivery key, so queuing a
 * row twice adds one job). `missive worker` starts its own the same way. Undefined when no
 * electronic channel is configured.
 */
export function openDispatch(deps: BatchDeps): DispatchStage | undefined {
  const channels = deps.channels ?? {};
  if (!channels.email && !channels.sms) return undefined;
  return startDispatchStage(
    {
      db: deps.db,
      blobs: deps.blobs,
      logger: deps.logger,
      channels,
      policy: catalogDeliveryPolicy(deps.db),
      journal: deps.sendJournalDir ? openSendJournal(deps.sendJournalDir) : undefined,
      // The feedback loop's exposures are counted when a message is sent, not only on `model update`.
      onSent: async (communicationId, trx) => void (await recordExposures(trx, communicationId)),
    },
    {
      connect: deps.connect,
      prefix: deps.queuePrefix,
      rates: deps.dispatchRates ?? { email: 200, sms: 100 },
      lockMs: deps.jobLockMs,
      idleMs: deps.workerIdleMs,
      diskFull: deps.diskFull,
    },
  );
}

/**
 * While the run renders, queues its new sends, one relay at a time. A relay reads every unsent
 * email/SMS of the run, so it costs more as a backlog builds: the pause after each is at least
 * `everyMs` and 20 times as long as the relay took, which keeps the relay under ~5 % of this
 * process — sending shares it (a 1M-customer run with a fixed 5 s relay slowed sends to 5/s at
 * 250,000 ledger rows).
 */
function relayWhileRendering(deps: BatchDeps, stage: DispatchStage, runId: string, everyMs = 5_000) {
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

/**
 * The end of the dispatch stage: every email/SMS of the run that is not final goes on its channel's
 * queue, and this waits until the queues are drained; then bounced documents the law wants
 * delivered are rendered for paper. Returns how many sends were queued by this last relay.
 */
/** How many times the end of a run re-queues sends whose job ended unsent (dispatchRun). */
const STRANDED_ROUNDS = 3;

async function dispatchRun(deps: BatchDeps, runId: string, open?: DispatchStage): Promise<number> {
  const stage = open ?? openDispatch(deps);
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
    const paper = await renderPendingPrint(createRenderChunkDeps(deps.db, deps.blobs, deps.logger), runId);
    if (paper > 0) deps.logger.info({ runId, paper }, 'fallback print documents rendered');
    return queued;
  } finally {
    if (!open && deps.signal?.aborted) await settledWithin(stage.close(), LOST_REDIS_CLOSE_MS);
    else if (!open) await stage.close();
  }
}
