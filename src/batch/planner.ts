import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import { streamCustomerIds } from '../store/customers.ts';
import type { Database } from '../store/schema.ts';
import { CHUNK_JOB_OPTIONS, chunkJobId, type RenderChunkJob } from './queues.ts';

export interface PlanResult {
  customers: number;
  chunks: number;
}

/**
 * Streams the run's customers (keyset pages, never the whole table) into chunk jobs. Job ids come
 * from (run, chunk), so re-planning a run — after a crash or a second `missive run` — adds nothing
 * that is still queued, and the ledger's unique key stops anything already done from being redone.
 */
export async function planRun(
  db: Kysely<Database>,
  queue: Queue<RenderChunkJob>,
  runId: string,
  chunkSize: number,
  generation = 0,
): Promise<PlanResult> {
  let chunk = 0;
  let customers = 0;
  let pending: { name: string; data: RenderChunkJob; opts: object }[] = [];
  for await (const customerIds of streamCustomerIds(db, { batchSize: chunkSize })) {
    customers += customerIds.length;
    pending.push({
      name: 'render-chunk',
      data: { runId, chunk, customerIds },
      opts: { ...CHUNK_JOB_OPTIONS, jobId: chunkJobId(runId, chunk, generation) },
    });
    chunk += 1;
    if (pending.length >= 50) {
      await queue.addBulk(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await queue.addBulk(pending);
  return { customers, chunks: chunk };
}
