import { Redis } from 'ioredis';
import { MissiveError } from '../core/errors.ts';

/**
 * BullMQ needs ready-made ioredis clients in ESM (see NOTES.md) with `maxRetriesPerRequest: null`
 * so blocking commands survive reconnects. `onError` hears the client's connection errors (without
 * a listener ioredis prints every failed reconnect to stderr: pass a throttled log, log-throttle.ts).
 */
export function connectRedis(url: string, onError?: (err: Error) => void): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  if (onError) client.on('error', onError);
  return client;
}

/**
 * Closes a client without waiting on a Redis that is gone: QUIT when connected (bounded by
 * `withinMs`), else drop the connection. A QUIT sent while ioredis reconnects waits in its offline
 * queue for ever (maxRetriesPerRequest null) — how a run without Redis ignored SIGTERM (issue 17).
 */
export async function closeRedisClient(client: Redis, withinMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') return void client.disconnect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
  });
  await Promise.race([
    client.quit().then(
      () => undefined,
      () => undefined,
    ),
    late,
  ]);
  clearTimeout(timer);
  if ((client.status as string) !== 'end') client.disconnect(); // narrowed above, changed by quit()
}

/**
 * Refuse to run against a Redis that may evict keys: BullMQ's jobs would silently vanish.
 * Managed Redis services sometimes block CONFIG; then we cannot check and say so once.
 */
export async function assertNoEviction(redis: Redis, warn: (message: string) => void): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown as string[];
    policy = reply[1];
  } catch (err) {
    warn(`cannot read maxmemory-policy (${(err as Error).message}); make sure it is noeviction`);
    return;
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new MissiveError(
      'MSV_REDIS_POLICY',
      `Redis maxmemory-policy is "${policy}"; Missive needs "noeviction" (redis-cli CONFIG SET maxmemory-policy noeviction)`,
    );
  }
}

/**
 * Redis at maxmemory with noeviction answers writes with an "OOM command not allowed" error: the
 * write is refused, nothing already queued is dropped (RELIABILITY F1). Turns that reply into
 * MSV_REDIS_FULL with what to do; other errors pass through unchanged.
 */
export function explainRedisError(err: unknown): unknown {
  // In a MULTI (BullMQ adds flows in one), the OOM reply comes as EXECABORT with previousErrors.
  const previous = (err as { previousErrors?: unknown[] } | null)?.previousErrors ?? [];
  const message = [err, ...previous]
    .map((e) => (e instanceof Error ? e.message : String(e)))
    .find((m) => m.startsWith('OOM '));
  if (!message) return err;
  return new MissiveError(
    'MSV_REDIS_FULL',
    `Redis is full (maxmemory reached, noeviction): ${message}. Nothing was lost — the run stays as it was; free memory or raise maxmemory, then run again`,
    {},
    { cause: err },
  );
}
