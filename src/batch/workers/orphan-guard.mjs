// Preloaded (`node --import`) into every render sandbox child, before BullMQ's main.js runs
// (render-sandbox.ts sandboxForkOptions): a child must never outlive the worker that forked it by more
// than a second, whatever it is doing (RELIABILITY F5: render children die with their run).
//
// parent-watch.ts (installed when the processor loads) exits at once on IPC disconnect, but it is
// JavaScript on the child's main thread, and that thread can be stuck for good once the parent is
// gone: pino flushes its buffered lines synchronously in its `exit` handler and SonicBoom's flushSync
// retries a write that fails with EPIPE every 100 ms for ever, so `process.exit` itself never returns
// (and SIGTERM, which BullMQ answers by awaiting the current job then `process.exit`, cannot help). A
// busy loop or a long synchronous write blocks the timer the same way. So the watch here runs on its
// own thread, and ends the process with SIGKILL: nothing can be flushed to a dead parent anyway, and
// the store survives a kill (it is what `kill -9` of the run does to the run itself).
//
// Plain JavaScript without imports of the project: it runs before tsx is registered, and in dist/ as is.
import { isMainThread, Worker } from 'node:worker_threads';

const parentPid = Number(process.env.MISSIVE_SANDBOX_PARENT_PID); // render-sandbox.ts SANDBOX_PARENT_PID_ENV
const everyMs = Number(process.env.MISSIVE_SANDBOX_ORPHAN_CHECK_MS) || 250;

// Only the forked child's main thread: worker threads (the guarded renderer's) inherit this preload.
if (isMainThread && process.send && Number.isInteger(parentPid) && parentPid > 0) {
  const orphaned = () => process.ppid !== parentPid;
  const die = () => process.kill(process.pid, 'SIGKILL');
  if (orphaned()) die(); // the parent died while this process was starting
  const watch = new Worker(
    `const { workerData: { parentPid, everyMs } } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== parentPid) process.kill(process.pid, 'SIGKILL'); }, everyMs);`,
    { eval: true, workerData: { parentPid, everyMs }, execArgv: [], stdout: true, stderr: true },
  );
  watch.unref(); // never what keeps the child alive
  // BullMQ's own SIGTERM handler waits for the current job, which cannot finish without its parent.
  // Before BullMQ installs it, this one alone would swallow SIGTERM: then it ends the child as usual.
  process.on('SIGTERM', () => {
    if (orphaned() || process.listenerCount('SIGTERM') === 1) die();
  });
}
