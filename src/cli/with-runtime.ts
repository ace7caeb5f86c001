import { settledWithin, unlessAborted } from '../core/abortable.ts';
import { isDiskFull } from '../core/disk-full.ts';
import { openQueueRuntime, openRuntime, type QueueRuntime, type Runtime } from './runtime.ts';

/** Opens the runtime for one command and always closes it, also on Ctrl-C. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/**
 * A command that needs Redis. It stops within MISSIVE_SHUTDOWN_TIMEOUT_MS of SIGTERM/SIGINT whether
 * or not Redis answers (a close that hangs on a dead Redis is cut short), and when the runtime gives
 * up on Redis (`redisLost`: unreachable past MISSIVE_REDIS_UNAVAILABLE_MS, or MISCONF) the command
 * fails with that error — exit 1 — instead of hanging (issue 17). So does a full disk (`diskFull`,
 * reported by the workers, or a store write of the command itself): one MSV_DISK_FULL error naming
 * the path and its free space.
 */
export async function withQueueRuntime<T>(fn: (rt: QueueRuntime) => Promise<T>): Promise<T> {
  const rt = await openQueueRuntime();
  const deadline = rt.config.shutdownTimeoutMs;
  const onSignal = () => {
    process.stderr.write(
      '\nmissive: interrupted; stopping (the run resumes where it stopped when you start it again)\n',
    );
    exitWithin(deadline, 130);
    void rt.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const work = fn(rt);
  try {
    return await unlessAborted(work, rt.lost);
  } catch (err) {
    if (!rt.lost.aborted && isDiskFull(err)) rt.diskFull.report(err);
    throw rt.lost.aborted ? rt.lost.reason : err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (rt.lost.aborted) {
      // Whatever still waits on Redis must not keep the process alive: the error is printed, then exit.
      const closeMs = Math.min(deadline, 5_000);
      exitWithin(closeMs + 3_000, 1);
      // The command's own clean-up first, within half the time: its sends already with a provider
      // finish and journal their answer before the store and the journal close (RELIABILITY F7).
      const started = Date.now();
      await settledWithin(work, closeMs / 2);
      await settledWithin(rt.close(), Math.max(closeMs - (Date.now() - started), 1_000));
      exitWithin(500, 1); // time for main() to print the error, then exit even if a worker still waits on Redis
    } else {
      await rt.close();
    }
  }
}

/** Ends the process after `ms` if it is still alive then (the timer itself keeps nothing alive). */
function exitWithin(ms: number, code: number): void {
  setTimeout(() => {
    process.stderr.write(`missive: did not stop within ${ms} ms; exiting\n`);
    process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : code);
  }, ms).unref();
}
