import type { FlowProducer, Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Database, RunRecord } from '../store/index.ts';
import {
  CHUNK_JOB_OPTIONS,
  chunkJobId,
  FINALIZE_JOB_OPTIONS,
  FINALIZE_QUEUE,
  FLOW_CHILD_POLICY,
  FLOW_SEGMENT,
  finalizeJobId,
  RENDER_QUEUE,
  type RenderChunkJob,
} from './queues.ts';
import { streamRunCustomerIds } from './run-source.ts';

export interface PlanResult {
  customers: number;
  chunks: number;
}

interface ChunkSpec {
  name: string;
  data: RenderChunkJob;
  opts: typeof CHUNK_JOB_OPTIONS & { jobId: string };
}

/**
 * Streams the run's customers (keyset pages over its source, never the whole table) into chunk jobs. Job ids come
 * from (run, plan generation, chunk), so re-planning a run — after a crash or a second `missive
 * run` — adds nothing that is still queued, and the ledger's unique key stops anything already done
 * from being redone. With a FlowProducer the chunks are added as BullMQ flows: every FLOW_SEGMENT
 * chunks under a `finalize-run` parent that closes the run when they are done (adding the same flow
 * twice adds nothing); without one, as plain jobs.
 */
export async function planRun(
  db: Kysely<Database>,
  queue: Queue<RenderChunkJob>,
  run: Pick<RunRecord, 'id' | 'source'>,
  chunkSize: number,
  generation = 0,
  flow?: FlowProducer,
): Promise<PlanResult> {
  const runId = run.id;
  let chunk = 0;
  let customers = 0;
  let pending: ChunkSpec[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    if (flow) {
      const segment = Math.floor(pending[0]!.data.chunk / FLOW_SEGMENT);
      await flow.add({
        name: 'finalize-run',
        queueName: FINALIZE_QUEUE,
        data: { runId, generation, segment },
        opts: { ...FINALIZE_JOB_OPTIONS, jobId: finalizeJobId(runId, generation, segment) },
        children: pending.map((c) => ({
          ...c,
          queueName: RENDER_QUEUE,
          opts: { ...c.opts, ...FLOW_CHILD_POLICY },
        })),
      });
    } else {
      await queue.addBulk(pending);
    }
    pending = [];
  };
  for await (const customerIds of streamRunCustomerIds(db, run, chunkSize)) {
    customers += customerIds.length;
    pending.push({
      name: 'render-chunk',
      data: { runId, chunk, customerIds },
      opts: { ...CHUNK_JOB_OPTIONS, jobId: chunkJobId(runId, chunk, generation) },
    });
    chunk += 1;
    if (pending.length >= (flow ? FLOW_SEGMENT : 50)) await flush();
  }
  await flush();
  return { customers, chunks: chunk };
}
