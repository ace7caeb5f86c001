/** A BullMQ worker, or anything that closes like one (a watched worker, worker-watchdog.ts). */
export interface ClosableWorker {
  close(force?: boolean): Promise<void>;
}

/**
 * Closes workers gracefully within a deadline. BullMQ's `close()` waits for active jobs and "will
 * not time out by itself"; past the deadline we force-close, and the jobs still active are left
 * to BullMQ's stalled-job check, which hands them to another worker (the ledger keeps that safe).
 * Returns true when every worker closed gracefully in time.
 */
export async function closeWorkersWithin(
  workers: readonly ClosableWorker[],
  deadlineMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => true as const);
  const inTime = await Promise.race([graceful, timedOut]);
  clearTimeout(timer);
  if (!inTime) await Promise.allSettled(workers.map((w) => w.close(true)));
  return inTime;
}

/** How long a process that lost Redis waits for its workers and queues to close before leaving them. */
export const LOST_REDIS_CLOSE_MS = 3_000;
