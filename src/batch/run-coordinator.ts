import type { FlowProducer, Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/index.ts';
import type { Logger } from '../core/logger.ts';
import { type Database, listRuns, type RunRecord, readRunWorkLeft } from '../store/index.ts';
import { planAndStart } from './plan-and-start.ts';
import type { RenderChunkJob } from './queues.ts';
import { finishRun } from './run-finish.ts';
import { isSourceReady } from './run-source.ts';
import type { DispatchStage } from './workers/dispatch-worker.ts';
import type { RenderChunkDeps } from './workers/render-chunk.ts';
import { renderPendingPrint } from './workers/render-fallback.ts';

/**
 * What `missive worker` does besides consuming jobs, so runs need no foreground process: every
 * tick it plans runs waiting in `planning` (made by `missive run --detach`, `POST /api/runs`,
 * resume and retry-failed), and for each `running` run whose customers all have a ledger row it
 * queues the unfinished sends (the outbox relay, RELIABILITY N2). Closing is the flow parent's job
 * (finalize-worker.ts); the coordinator closes a run only as a backstop, when it has looked
 * finished for BACKSTOP_MS. Every step is idempotent, so several workers may coordinate at once:
 * planning twice adds no chunk twice (job ids), and closing is a compare-and-set.
 */
export interface CoordinatorDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  chunkSize: number;
  /** What fallback paper is rendered with (the process's own, startBatchStages). */
  chunks: RenderChunkDeps;
  renderQueue: Queue<RenderChunkJob>;
  /** Plans go in as BullMQ flows whose parents close the run (the coordinator is the backstop). */
  flow?: FlowProducer | undefined;
  /** This process's dispatch stage, if it sends; without one, runs close when rendered (sends wait archived). */
  dispatch?: DispatchStage | undefined;
}

export interface RunCoordinator {
  /** One pass over the runs (the loop calls it; tests may too). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** Sends of a run are queued again at most this often (the relay pages through the not-final rows). */
const RELAY_EVERY_MS = 5_000;
/**
 * The flow's parent closes a run (with print streams); the coordinator closes one only when it has
 * looked finished this long — its parent lost, e.g. with a Redis that lost its data.
 */
const BACKSTOP_MS = 15_000;

/**
 * What `missive worker` does besides jobs: relays unfinished sends and closes finished runs, on a timer,
 * until closed.
 */
export function startRunCoordinator(
  deps: CoordinatorDeps,
  options: { intervalMs?: number; backstopMs?: number } = {},
): RunCoordinator {
  const relayedAt = new Map<string, number>();
  const doneSince = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  async function advance(run: RunRecord): Promise<void> {
    if (run.customersTotal === null) return; // still being planned
    const work = await readRunWorkLeft(deps.db, run);
    if (work.customersDone < work.customersTotal) return;
    if (deps.dispatch && work.toSend > 0) {
      if (Date.now() - (relayedAt.get(run.id) ?? 0) >= RELAY_EVERY_MS) {
        const first = !relayedAt.has(run.id);
        relayedAt.set(run.id, Date.now());
        if (first) {
          const queued = await deps.dispatch.enqueueRun(run.id);
          deps.logger.info({ runId: run.id, queued }, 'dispatch queued');
        } else if ((await deps.dispatch.pendingJobs()) === 0) {
          // Queues idle and sends left: their jobs ended without sending (they threw), or were lost.
          const again = await deps.dispatch.requeueStranded(run.id);
          deps.logger.warn({ runId: run.id, again }, 'unsent sends whose job had ended were queued again');
        }
      }
      return;
    }
    const since = doneSince.get(run.id) ?? Date.now();
    doneSince.set(run.id, since);
    if (Date.now() - since < (options.backstopMs ?? BACKSTOP_MS)) return;
    deps.logger.warn({ runId: run.id }, 'run coordinator: closing a finished run its flow did not close');
    if (work.toPrint > 0) await renderPendingPrint(deps.chunks, run.id);
    await finishRun(deps, run.id);
    relayedAt.delete(run.id);
    doneSince.delete(run.id);
  }

  async function tick(): Promise<void> {
    for (const run of await listRuns(deps.db, { status: 'planning' })) {
      // A file run is planned by the command that reads its file.
      if (isSourceReady(run)) await planAndStart(deps, deps.renderQueue, run, deps.flow);
    }
    for (const run of await listRuns(deps.db, { status: 'running' })) {
      try {
        await advance(run);
      } catch (err) {
        deps.logger.error(
          { runId: run.id, err: (err as Error).message },
          'run coordinator: could not advance run',
        );
      }
    }
  }

  const timer = setInterval(() => {
    running = running
      .then(() => (closed ? undefined : tick()))
      .catch((err: Error) => deps.logger.error({ err: err.message }, 'run coordinator tick failed'));
  }, options.intervalMs ?? 1_000);
  return {
    tick: () => {
      running = running.then(tick);
      return running;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
