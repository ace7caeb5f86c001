import type { Logger } from './logger.ts';

/**
 * A repeated error is counted, not repeated: a dead Redis makes every client fail its reconnect
 * several times a second, and a Redis that cannot persist (MISCONF, disk full) refuses every write —
 * logged one line each, that filled 413 MB of stderr in 6 minutes (issue 17). The first occurrence
 * of a key in a window is logged at once; the rest of the window is one line with the count
 * ("connect ECONNREFUSED ×312 in the last 10 s"), written when the window ends.
 */
export class RepeatCounter {
  private readonly windows = new Map<string, { openedAt: number; repeats: number }>();

  constructor(readonly windowMs: number) {}

  /** `log` for the first occurrence of `key` in its window, `count` for the others. */
  record(key: string, now: number): 'log' | 'count' {
    const window = this.windows.get(key);
    if (window && now - window.openedAt < this.windowMs) {
      window.repeats += 1;
      return 'count';
    }
    this.windows.set(key, { openedAt: now, repeats: 0 });
    return 'log';
  }

  /** Closes the windows that ended by `now`; returns their keys with how often each repeated. */
  flush(now: number): { key: string; repeats: number }[] {
    const ended: { key: string; repeats: number }[] = [];
    for (const [key, window] of this.windows) {
      if (now - window.openedAt < this.windowMs) continue;
      this.windows.delete(key);
      ended.push({ key, repeats: window.repeats });
    }
    return ended;
  }

  get open(): number {
    return this.windows.size;
  }
}

export interface ThrottledLog {
  /** Logs at `error` level, at most once per key and window; repeats are summed up when the window ends. */
  error(key: string, fields: Record<string, unknown>, msg: string): void;
  /** Writes the counts of the windows still open (before the process exits). */
  flush(): void;
}

export const LOG_WINDOW_MS = 10_000;

const shared = new WeakMap<Logger, ThrottledLog>();

/**
 * The throttled error log of `logger`: every caller with the same logger shares the counts, so the
 * render, finalize and dispatch workers failing on the same dead Redis write one line between them.
 */
export function throttled(logger: Logger, windowMs = LOG_WINDOW_MS): ThrottledLog {
  let log = shared.get(logger);
  if (!log) {
    log = createThrottledLog(logger, windowMs);
    shared.set(logger, log);
  }
  return log;
}

export function createThrottledLog(
  logger: Logger,
  windowMs = LOG_WINDOW_MS,
  now: () => number = Date.now,
): ThrottledLog {
  const counter = new RepeatCounter(windowMs);
  const last = new Map<string, { fields: Record<string, unknown>; msg: string }>();
  let timer: NodeJS.Timeout | undefined;
  const summarise = (ended: { key: string; repeats: number }[]) => {
    const seconds = Math.round(windowMs / 1000);
    for (const { key, repeats } of ended) {
      const seen = last.get(key);
      last.delete(key);
      if (repeats === 0) continue;
      logger.error(
        { ...seen?.fields, repeated: repeats, windowSeconds: seconds },
        `${seen?.msg ?? key} ×${repeats} in the last ${seconds} s`,
      );
    }
  };
  const tick = () => {
    summarise(counter.flush(now()));
    if (counter.open === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    error(key, fields, msg) {
      if (counter.record(key, now()) === 'log') logger.error(fields, msg);
      last.set(key, { fields, msg });
      if (!timer) {
        timer = setInterval(tick, Math.max(100, Math.floor(windowMs / 4)));
        timer.unref();
      }
    },
    flush() {
      summarise(counter.flush(Number.POSITIVE_INFINITY));
    },
  };
}
