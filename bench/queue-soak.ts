/**
 * RELIABILITY F2 soak: the queue traffic of a 1,000,000-customer statement run through BullMQ on the
 * embedded Redis (AOF on), with Missive's real job shapes and options but no-op processors, so it
 * takes minutes instead of hours: 10,000 render chunks of 100 customer ids (as flows of 500 chunks
 * under a finalize parent, like the planner adds them) and 500,000 email sends (delivery-key job ids,
 * added while the chunks complete, like the dispatch relay). Prints Redis `used_memory` and key
 * count over time: with completed jobs trimmed by count and age it must level off, not grow with
 * the run. Run: `node --import tsx bench/queue-soak.ts` (BENCH_SOAK_CUSTOMERS for another size).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { startEmbeddedRedis } from '../src/batch/embedded-redis.ts';
import {
  CHUNK_JOB_OPTIONS,
  chunkJobId,
  DISPATCH_JOB_OPTIONS,
  DISPATCH_QUEUES,
  FINALIZE_JOB_OPTIONS,
  FINALIZE_QUEUE,
  FLOW_CHILD_POLICY,
  FLOW_SEGMENT,
  finalizeJobId,
  RENDER_QUEUE,
} from '../src/batch/queues.ts';
import { connectRedis } from '../src/batch/redis-connection.ts';

const CUSTOMERS = Number(process.env.BENCH_SOAK_CUSTOMERS ?? 1_000_000);
const CHUNK = 100;
/**
 * Customers per second the no-op render worker lets through (default 2,000: 20 times a real run on
 * this machine). A real run renders far slower than it sends, so sends never pile up; without a
 * pace the soak would measure a backlog of waiting sends, not what completed jobs leave behind.
 */
const PACE = Number(process.env.BENCH_SOAK_RATE ?? 2_000);
const RUN = 'run_soak000000000000000000';
const prefix = 'soak';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-soak-'));
const redis = await startEmbeddedRedis({ bin: 'redis-server', dir });
const connections: ReturnType<typeof connectRedis>[] = [];
const connect = () => {
  const c = connectRedis(redis.url);
  connections.push(c);
  return c;
};
const probe = connect();
const samples: { seconds: number; chunksDone: number; sendsDone: number; usedMb: number; keys: number }[] =
  [];
const start = performance.now();
let chunksDone = 0;
let sendsDone = 0;
const sample = async () => {
  const info = await probe.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  samples.push({
    seconds: (performance.now() - start) / 1000,
    chunksDone,
    sendsDone,
    usedMb: used / 1024 / 1024,
    keys: await probe.dbsize(),
  });
  const s = samples[samples.length - 1]!;
  process.stderr.write(
    `[soak] ${s.seconds.toFixed(0)} s: chunks ${s.chunksDone}, sends ${s.sendsDone}, used_memory ${s.usedMb.toFixed(1)} MB, keys ${s.keys}\n`,
  );
};

const emails = new Queue(DISPATCH_QUEUES.email, { connection: connect(), prefix });
let sendSeq = 0;
// The render worker: a no-op chunk that "archives" its customers and relays half of them as emails.
const render = new Worker(
  RENDER_QUEUE,
  async (job) => {
    const ids = job.data.customerIds as string[];
    await new Promise((r) => setTimeout(r, (ids.length / PACE) * 1000));
    const jobs = ids
      .filter((_, i) => i % 2 === 0)
      .map((id) => ({
        name: 'send',
        data: { communicationId: `com_${id}`, runId: RUN },
        opts: { ...DISPATCH_JOB_OPTIONS, jobId: `dk_${id}_${sendSeq++}` },
      }));
    await emails.addBulk(jobs);
    chunksDone += 1;
  },
  { connection: connect(), prefix, concurrency: 1 },
);
const send = new Worker(
  DISPATCH_QUEUES.email,
  async () => {
    sendsDone += 1;
  },
  { connection: connect(), prefix, concurrency: 50 },
);
const finalize = new Worker(FINALIZE_QUEUE, async () => 'closed', { connection: connect(), prefix });

// The plan: every chunk at once, as flows of FLOW_SEGMENT chunks (what planRun does).
const flow = new FlowProducer({ connection: connect(), prefix });
const chunks = Math.ceil(CUSTOMERS / CHUNK);
for (let segment = 0; segment * FLOW_SEGMENT < chunks; segment += 1) {
  const children = [];
  for (
    let chunk = segment * FLOW_SEGMENT;
    chunk < Math.min(chunks, (segment + 1) * FLOW_SEGMENT);
    chunk += 1
  ) {
    const customerIds = Array.from({ length: CHUNK }, (_, i) => String(chunk * CHUNK + i + 1));
    children.push({
      name: 'render-chunk',
      queueName: RENDER_QUEUE,
      data: { runId: RUN, chunk, customerIds },
      opts: { ...CHUNK_JOB_OPTIONS, ...FLOW_CHILD_POLICY, jobId: chunkJobId(RUN, chunk) },
    });
  }
  await flow.add({
    name: 'finalize-run',
    queueName: FINALIZE_QUEUE,
    data: { runId: RUN, generation: 0, segment },
    opts: { ...FINALIZE_JOB_OPTIONS, jobId: finalizeJobId(RUN, 0, segment) },
    children,
  });
}
await sample();
const timer = setInterval(() => void sample(), 30_000);
const expectedSends = Math.ceil(CUSTOMERS / 2);
while (chunksDone < chunks || sendsDone < expectedSends) await new Promise((r) => setTimeout(r, 500));
clearInterval(timer);
await sample();
await Promise.all([render.close(), send.close(), finalize.close(), flow.close(), emails.close()]);
await Promise.all(connections.map((c) => c.quit()));
await redis.stop();
fs.rmSync(dir, { recursive: true, force: true });

const peak = Math.max(...samples.map((s) => s.usedMb));
const secondHalf = samples.filter((s) => s.sendsDone >= expectedSends / 2);
console.log(
  `\nQueue soak: ${CUSTOMERS} customers = ${chunks} chunk jobs + ${expectedSends} send jobs in ${samples.at(-1)!.seconds.toFixed(0)} s`,
);
console.log('| seconds | chunks done | sends done | used_memory MB | keys |');
console.log('|---|---|---|---|---|');
for (const s of samples)
  console.log(
    `| ${s.seconds.toFixed(0)} | ${s.chunksDone} | ${s.sendsDone} | ${s.usedMb.toFixed(1)} | ${s.keys} |`,
  );
console.log(
  `peak ${peak.toFixed(1)} MB; second half of the sends: ${Math.min(...secondHalf.map((s) => s.usedMb)).toFixed(1)}–${Math.max(...secondHalf.map((s) => s.usedMb)).toFixed(1)} MB`,
);
