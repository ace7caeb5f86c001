import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

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

/** Deterministic: planning the same run twice adds no second job for a chunk still in Redis. */
export function chunkJobId(runId: string, chunk: number): string {
  return `${runId}-chunk-${chunk}`;
}

export const CHUNK_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

export function createRenderQueue(connection: Redis, prefix: string): Queue<RenderChunkJob> {
  return new Queue<RenderChunkJob>(RENDER_QUEUE, { connection, prefix });
}
