import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.ts';

/**
 * Queue names and job shapes. Jobs carry references (run id, customer ids), never documents, and
 * completed jobs are trimmed so Redis memory levels off on long runs.
 */
export const RENDER_QUEUE = 'render';

export interface RenderChunkJob {
  runId: string;
  chunk: number;
  customerIds: string[];
}

/**
 * Deterministic: planning the same run twice adds no second job for a chunk still in Redis. The
 * run's plan generation is part of it: resume and retry-failed plan again under new ids, since
 * BullMQ keeps completed ids for a while and would silently ignore the same ones.
 */
export function chunkJobId(runId: string, chunk: number, generation = 0): string {
  return generation === 0 ? `${runId}-chunk-${chunk}` : `${runId}-g${generation}-chunk-${chunk}`;
}

/**
 * A worker's lock options: the lock (RELIABILITY F5: above the p99 job time) and how often stalled
 * jobs — whose worker died — are looked for (at most every 30 s, BullMQ's default).
 */
export function lockOptions(lockMs: number | undefined, fallbackMs: number) {
  const lockDuration = lockMs ?? fallbackMs;
  return { lockDuration, stalledInterval: Math.min(30_000, lockDuration) };
}

export const CHUNK_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

/** The render queue (chunk jobs) on a Redis connection, under the key prefix. */
export function createRenderQueue(connection: RedisClient, prefix: string): Queue<RenderChunkJob> {
  return quiet(new Queue<RenderChunkJob>(RENDER_QUEUE, { connection, prefix }));
}

/**
 * A BullMQ queue or flow producer with no 'error' listener prints every connection error of its
 * client to stderr (several a second on a dead Redis, issue 17). The client's own listener (the
 * runtime's throttled log) and the Redis watch (redis-watch.ts) report them instead.
 */
export function quiet<T extends { on(event: 'error', listener: (err: Error) => void): unknown }>(
  emitter: T,
): T {
  emitter.on('error', () => {});
  return emitter;
}

/**
 * The parents of a run's flow: one `finalize-run` job per segment of up to FLOW_SEGMENT chunks
 * (a flow is added in one Redis transaction, so a 1M-customer plan is split), each closing the run
 * once all chunks of the run are done (src/batch/workers/finalize-worker.ts).
 */
export const FINALIZE_QUEUE = 'run-finalize';
export const FLOW_SEGMENT = 500;

export interface FinalizeRunJob {
  runId: string;
  generation: number;
  segment: number;
}

export function finalizeJobId(runId: string, generation: number, segment: number): string {
  return `${runId}-g${generation}-finalize-${segment}`;
}

/**
 * The flow's failure policy, explicit (RELIABILITY N6): a chunk whose job fails for good still ends
 * each of its customers in `failed` (render-worker.ts), so the run must still close and report
 * them — `ignoreDependencyOnFailure`, not `failParentOnFailure`, which would fail the whole run for
 * one bad chunk.
 */
export const FLOW_CHILD_POLICY = { ignoreDependencyOnFailure: true } as const;

export const FINALIZE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

/** One dispatch queue per channel, each with its own rate limit (RELIABILITY F6). Print goes in print streams. */
export const DISPATCH_QUEUES = { email: 'dispatch-email', sms: 'dispatch-sms' } as const;
export type DispatchChannel = keyof typeof DISPATCH_QUEUES;
export const DISPATCH_CHANNELS = Object.keys(DISPATCH_QUEUES) as DispatchChannel[];

/** A send: the communication id only; the job id is the delivery key (RELIABILITY N1). */
export interface DispatchJob {
  communicationId: string;
  /** The run, so a worker can hold the send while the run is paused and drop it once cancelled. */
  runId?: string;
  /** Delays so far (retries and unresolved lookups), to give up after a bound. */
  tries?: number;
}

export const DISPATCH_JOB_OPTIONS = {
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

export function createDispatchQueue(
  channel: DispatchChannel,
  connection: RedisClient,
  prefix: string,
): Queue<DispatchJob> {
  return quiet(new Queue<DispatchJob>(DISPATCH_QUEUES[channel], { connection, prefix }));
}
