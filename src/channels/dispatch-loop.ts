import type { ChannelKind, CommunicationStatus } from '../core/types.ts';
import {
  type CommunicationRecord,
  listCommunicationsForRun,
  transitionCommunicationStatus,
} from '../store/index.ts';
import { type DispatchDeps, dispatchCommunication } from './dispatch.ts';

/**
 * Sends communications in this process, with retries on timers: for `missive dispatch`, the demo
 * without queues and the tests' child processes. Runs use the BullMQ dispatch worker instead
 * (src/batch/workers/dispatch-worker.ts), which calls the same dispatchCommunication per job.
 */
export interface DispatchLoopOptions {
  concurrency?: number;
  /** Attempts that are not rate limits, before the communication is failed (default 5). */
  maxAttempts?: number;
  /** Caps each wait (tests shorten the backoff; the order of events stays the same). */
  maxDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Dispatches one communication until it is final or out of attempts; returns its last status. */
export async function dispatchWithRetries(
  deps: DispatchDeps,
  id: string,
  options: DispatchLoopOptions = {},
): Promise<CommunicationStatus> {
  const maxAttempts = options.maxAttempts ?? 5;
  let spent = 0;
  for (;;) {
    const outcome = await dispatchCommunication(deps, id);
    if (outcome.retryAfterMs === undefined) return outcome.status;
    if (!outcome.throttled) spent += 1;
    if (spent >= maxAttempts) {
      await transitionCommunicationStatus(deps.db, id, {
        from: ['archived', 'pending'],
        to: 'failed',
        reason: `gave up after ${spent} attempts`,
        code: 'MSV_CHANNEL_TEMPORARY',
      });
      return outcome.status === 'unknown' ? 'unknown' : 'failed';
    }
    await sleep(Math.min(outcome.retryAfterMs, options.maxDelayMs ?? Number.POSITIVE_INFINITY));
  }
}

/** Runs `ids` through dispatchWithRetries, `concurrency` at a time; counts final statuses. */
export async function dispatchAll(
  deps: DispatchDeps,
  ids: readonly string[],
  options: DispatchLoopOptions = {},
): Promise<Partial<Record<CommunicationStatus, number>>> {
  const counts: Partial<Record<CommunicationStatus, number>> = {};
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const status = await dispatchWithRetries(deps, id, options);
      counts[status] = (counts[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return counts;
}

const NOT_FINAL = ['pending', 'archived', 'sending', 'unknown'] as const;

/**
 * A run's communications on these channels that are not final yet (or in the given of those
 * statuses), page by page in id order.
 */
export async function* dispatchablePages(
  deps: Pick<DispatchDeps, 'db'>,
  runId: string,
  channels: readonly ChannelKind[],
  pageSize = 1000,
  statuses: readonly (typeof NOT_FINAL)[number][] = NOT_FINAL,
): AsyncGenerator<CommunicationRecord[]> {
  // One status and channel at a time: each page is then an index range (run, channel, status, id,
  // migration 0010), not a scan of the run — a statement run's paper rows stay `archived` for good.
  for (const channel of channels) {
    for (const status of statuses) {
      let afterId: string | null = null;
      for (;;) {
        const page = await listCommunicationsForRun(deps.db, runId, {
          statuses: [status],
          channels: [channel],
          afterId,
          limit: pageSize,
        });
        if (page.length === 0) break;
        yield page;
        afterId = page[page.length - 1]!.id;
      }
    }
  }
}

/** All of them at once (small runs, tests). */
export async function listDispatchable(
  deps: Pick<DispatchDeps, 'db'>,
  runId: string,
  channels: readonly ChannelKind[],
): Promise<CommunicationRecord[]> {
  const all: CommunicationRecord[] = [];
  for await (const page of dispatchablePages(deps, runId, channels)) all.push(...page);
  return all;
}
