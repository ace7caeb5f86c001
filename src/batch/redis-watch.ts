import { Cluster, Redis } from 'ioredis';
import { MissiveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type Availability, type AvailabilityEvent, nextAvailability } from './redis-availability.ts';
import { clusterAuth, type RedisClient } from './redis-connection.ts';
import { classifyRedisError } from './redis-fault.ts';
import { describeRedisTarget, parseRedisTarget } from './redis-target.ts';

/**
 * Watches a command's Redis (RELIABILITY F1, issue 17): a write once a second on a client of its own
 * that never queues commands offline, so a dead Redis answers at once instead of hanging. Logs one
 * line per state change (down, back, given up) and, once Redis has been unreachable for
 * `unavailableMs` or unable to persist (MISCONF) for `cannotPersistMs`, aborts `signal` with
 * MSV_REDIS_UNAVAILABLE / MSV_REDIS_CANNOT_PERSIST: the command stops and exits non-zero instead of
 * hanging or looping. An embedded redis-server is restarted by its supervisor meanwhile
 * (embedded-redis-supervisor.ts); this only sees it come back. On a Redis Cluster the probe key
 * (under the hash-tagged queue prefix) lives on the master of the queues' slot: a failover of that
 * master shows as a short "unreachable" until its replica is promoted, other masters are not watched.
 */
export interface RedisWatch {
  /** Aborted, with the MissiveError as its reason, when the command should give up on Redis. */
  readonly signal: AbortSignal;
  readonly state: Availability['kind'];
  close(): Promise<void>;
}

export interface RedisWatchOptions {
  url: string;
  logger: Logger;
  unavailableMs: number;
  /** Default 5 s. */
  cannotPersistMs?: number;
  /** Default 1 s. */
  probeEveryMs?: number;
  /** The key the probe writes (expires by itself). */
  probeKey: string;
  /** Extra text for the give-up message (e.g. what the embedded server's supervisor tried). */
  hint?: () => string | undefined;
}

/**
 * Probes a command's Redis once a second and reports it unavailable or unable to persist (RELIABILITY F1),
 * until closed.
 */
export function watchRedis(options: RedisWatchOptions): RedisWatch {
  const every = options.probeEveryMs ?? 1_000;
  const limits = { unavailableMs: options.unavailableMs, cannotPersistMs: options.cannotPersistMs ?? 5_000 };
  const client = probeClient(options.url, Math.min(every, 500));
  // Probes report what matters, once per state change; the connection's own error names the cause.
  let connectionError: string | undefined;
  client.on('error', (err: Error) => {
    connectionError = err.message;
  });
  client.on('ready', () => {
    connectionError = undefined;
  });
  // The first connection attempt ends ready or failed: before that, a probe would find the client
  // still connecting and call a Redis that is merely slow to answer (a busy machine) unreachable.
  const firstAttempt = new Promise<void>((resolve) => {
    client.once('ready', resolve);
    client.once('error', () => resolve());
  });
  client.connect().catch(() => {});
  const controller = new AbortController();
  let state: Availability = { kind: 'up' };
  let closed = false;
  const probe = async () => {
    try {
      await client.set(options.probeKey, String(Date.now()), 'PX', Math.max(10_000, every * 10));
      return { ok: true as const };
    } catch (err) {
      const offline = client.status !== 'ready';
      const message = offline ? (connectionError ?? 'connection lost') : (err as Error).message;
      return { ok: false as const, fault: classifyRedisError(err), message };
    }
  };
  const report = (event: AvailabilityEvent) => {
    const log = options.logger;
    if (event.kind === 'up') {
      log.warn({ downForMs: event.downForMs }, `redis reachable again after ${seconds(event.downForMs)} s`);
    } else if (event.kind === 'down') {
      const waitMs = event.fault === 'unreachable' ? limits.unavailableMs : limits.cannotPersistMs;
      log.error(
        { fault: event.fault, err: event.message },
        `redis ${event.fault === 'unreachable' ? 'unreachable' : 'cannot persist'} (${event.message}); waiting up to ${seconds(waitMs)} s`,
      );
    } else {
      controller.abort(giveUpError(event, options.url, options.hint?.()));
    }
  };
  const loop = (async () => {
    // The first probe once the client had time to connect and its first attempt has ended (at most
    // the connect timeout).
    await Promise.all([sleep(every), Promise.race([firstAttempt, sleep(CONNECT_TIMEOUT_MS)])]);
    while (!closed && !controller.signal.aborted) {
      const result = await probe();
      if (closed) break;
      const next = nextAvailability(state, result, Date.now(), limits);
      state = next.state;
      if (next.event) report(next.event);
      await sleep(every);
    }
  })();
  return {
    signal: controller.signal,
    get state() {
      return state.kind;
    },
    async close() {
      closed = true;
      client.disconnect();
      await Promise.race([loop, sleep(100)]); // a probe in flight ends on its own
    },
  };
}

const CONNECT_TIMEOUT_MS = 2_000;

/** A client that never queues commands offline: a probe on a dead Redis fails at once. */
function probeClient(url: string, retryMs: number): RedisClient {
  const target = parseRedisTarget(url);
  const timeouts = { connectTimeout: CONNECT_TIMEOUT_MS, commandTimeout: 2_000, maxRetriesPerRequest: 0 };
  if (target.kind === 'single')
    return new Redis(target.url, {
      ...timeouts,
      enableOfflineQueue: false,
      retryStrategy: () => retryMs,
      lazyConnect: true,
    });
  return new Cluster([...target.nodes], {
    enableOfflineQueue: false,
    clusterRetryStrategy: () => retryMs,
    lazyConnect: true,
    redisOptions: { ...timeouts, ...clusterAuth(target) },
  });
}

function giveUpError(
  event: Extract<AvailabilityEvent, { kind: 'given-up' }>,
  url: string,
  hint: string | undefined,
): MissiveError {
  const where = redactUrl(url);
  if (event.fault === 'cannot-persist')
    return new MissiveError(
      'MSV_REDIS_CANNOT_PERSIST',
      `Redis at ${where} refuses writes because it cannot persist its data (${event.message}); usually its disk is full. The run stopped, nothing was lost: free space on Redis' disk, then run the same command again`,
    );
  return new MissiveError(
    'MSV_REDIS_UNAVAILABLE',
    `Redis at ${where} was unreachable for ${seconds(event.downForMs)} s (${event.message})${hint ? `; ${hint}` : ''}. The run stopped, nothing was lost: run the same command again once Redis is back (MISSIVE_REDIS_UNAVAILABLE_MS sets how long to wait)`,
  );
}

/** The URL without its password (a cluster's: its nodes). */
export function redactUrl(url: string): string {
  try {
    return describeRedisTarget(parseRedisTarget(url));
  } catch {
    return 'REDIS_URL';
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
