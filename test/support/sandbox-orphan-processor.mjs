// The processor of sandbox-orphan.test.ts's children. Like render-sandbox.mjs it installs the parent
// watch first (from the sources: the parent runs with tsx's --import, which the child inherits), then
// loads for ever (ORPHAN_TEST_LOAD=hang) or runs a job in one of these modes:
// - exit-flush: once the parent is gone, logs two lines with the project's pino logger (the second
//   is buffered behind the first's write) and exits — pino's exit handler then retries the write to
//   the dead stderr pipe every 100 ms for ever (SonicBoom flushSync on EPIPE), deaf to SIGTERM. It
//   stands for any `process.exit` with lines pending (the watch's, or BullMQ's after SIGTERM), so this
//   mode goes without the watch, whose exit on `disconnect` would otherwise come first with none;
// - busy: a synchronous loop of 10 min (the event loop never turns: no timer, no signal handler);
// - hang: a promise that never settles (BullMQ's SIGTERM handler waits for it).
import { exitWithParent } from '../../src/batch/workers/parent-watch.ts';
import { createLogger } from '../../src/core/logger.ts';

if (process.env.ORPHAN_TEST_PHASE !== 'job-exit-flush') {
  exitWithParent({ parentPid: Number(process.env.MISSIVE_SANDBOX_PARENT_PID) });
}
if (process.env.ORPHAN_TEST_LOAD === 'hang') {
  setInterval(() => {}, 60_000);
  process.send?.({ cmd: 'loading' });
  await new Promise(() => {});
}
const logger = createLogger('warn', 'render-sandbox');

export default async function orphanTestProcessor(job) {
  await job.updateProgress(1);
  const { mode } = job.data;
  if (mode === 'exit-flush') {
    const parentPid = process.ppid;
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      if (process.ppid === parentPid) continue;
      logger.warn('customer failed at render');
      logger.warn('customer failed at render');
      process.exit(0);
    }
  }
  if (mode === 'busy') {
    const until = Date.now() + 600_000;
    while (Date.now() < until) {}
  }
  await new Promise(() => {});
}
