import { MissiveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type EmbeddedRedis, type EmbeddedRedisOptions, startEmbeddedRedis } from './embedded-redis.ts';

/**
 * The embedded redis-server, restarted when it dies (RELIABILITY F1/F3, issue 17): a kill -9 or a
 * crash of the private server brings it back on the same port from its append-only file, so the
 * command's clients reconnect by themselves (ioredis) and the run goes on where the queues were.
 * Bounded: after `maxRestarts` starts (failed ones included) it gives up and aborts `signal` with
 * MSV_REDIS_UNAVAILABLE. Logged once per state change: died, restarted, given up.
 */
export interface SupervisedRedis {
  readonly url: string;
  /** The server's pid now (a new one after each restart). */
  readonly pid: number;
  readonly restarts: number;
  /** Aborted with MSV_REDIS_UNAVAILABLE when the server could not be restarted. */
  readonly signal: AbortSignal;
  /** What the last failed restart said, for the give-up message. */
  readonly problem: string | undefined;
  stop(): Promise<void>;
}

export interface SupervisorOptions extends EmbeddedRedisOptions {
  logger: Logger;
  /** Starts allowed after the first (default 5). */
  maxRestarts?: number;
  /** Pause before a second, third… attempt after a failed start (default 1 s, growing). */
  retryDelayMs?: number;
  start?: (options: EmbeddedRedisOptions) => Promise<EmbeddedRedis>;
}

/**
 * Starts the private redis-server and restarts it when it dies (RELIABILITY F1/F3).
 * @throws MissiveError MSV_REDIS_UNAVAILABLE when it cannot start or dies too often.
 */
export async function superviseEmbeddedRedis(options: SupervisorOptions): Promise<SupervisedRedis> {
  const {
    logger,
    maxRestarts = 5,
    retryDelayMs = 1_000,
    start = startEmbeddedRedis,
    ...serverOptions
  } = options;
  let current = await start(serverOptions);
  const port = Number(new URL(current.url).port);
  const controller = new AbortController();
  let stopped = false;
  let restarts = 0;
  let problem: string | undefined;
  let restarting: Promise<void> = Promise.resolve();

  const restart = async (): Promise<void> => {
    for (let attempt = 1; !stopped; attempt += 1) {
      if (restarts >= maxRestarts) {
        const reason = `the embedded redis-server died and was restarted ${restarts} time(s), the most allowed${problem ? ` (last: ${problem})` : ''}`;
        logger.error({ restarts }, reason);
        controller.abort(
          new MissiveError(
            'MSV_REDIS_UNAVAILABLE',
            `${reason}. The run stopped, nothing was lost: look at ${serverOptions.dir}/redis.log, then run the same command again`,
          ),
        );
        return;
      }
      restarts += 1;
      try {
        const next = await start({ ...serverOptions, port });
        if (stopped) return void (await next.stop());
        current = next;
        problem = undefined;
        logger.warn({ pid: next.pid, restarts }, 'embedded redis-server restarted from its append-only file');
        follow(next);
        return;
      } catch (err) {
        problem = (err as Error).message;
        await new Promise((r) => setTimeout(r, retryDelayMs * attempt));
      }
    }
  };
  const follow = (server: EmbeddedRedis) => {
    void server.exited.then((exit) => {
      if (exit.expected || stopped || server !== current) return;
      logger.error(
        { pid: server.pid, code: exit.code, signal: exit.signal },
        `embedded redis-server died (${exit.signal ?? `exit code ${exit.code}`}); restarting it from its append-only file`,
      );
      restarting = restart();
    });
  };
  follow(current);
  return {
    url: current.url,
    get pid() {
      return current.pid;
    },
    get restarts() {
      return restarts;
    },
    signal: controller.signal,
    get problem() {
      return problem;
    },
    async stop() {
      stopped = true;
      await restarting;
      await current.stop();
    },
  };
}
