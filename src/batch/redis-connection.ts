import { Cluster, Redis } from 'ioredis';
import { MissiveError } from '../core/errors.ts';
import { parseRedisTarget, type RedisTarget } from './redis-target.ts';

/** A client of the queues' Redis: one server, or a Redis Cluster (REDIS_URL `redis+cluster://…`). */
export type RedisClient = Redis | Cluster;

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
 * A client for REDIS_URL, whichever it names (redis-target.ts): a `Redis` for one server, a
 * `Cluster` for a Redis Cluster, each with `maxRetriesPerRequest: null` as BullMQ needs (on a
 * cluster, in `redisOptions`: the option of the connection to each node).
 */
export function connectRedisClient(url: string, onError?: (err: Error) => void): RedisClient {
  const target = parseRedisTarget(url);
  if (target.kind === 'single') return connectRedis(target.url, onError);
  const client = new Cluster([...target.nodes], {
    redisOptions: { maxRetriesPerRequest: null, ...clusterAuth(target) },
  });
  if (onError) client.on('error', onError);
  return client;
}

/** The credentials and TLS of a cluster's node connections. */
export function clusterAuth(target: Extract<RedisTarget, { kind: 'cluster' }>): {
  username?: string;
  password?: string;
  tls?: object;
} {
  return {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  };
}

/**
 * Closes a client without waiting on a Redis that is gone: QUIT when connected (bounded by
 * `withinMs`), else drop the connection. A QUIT sent while ioredis reconnects waits in its offline
 * queue for ever (maxRetriesPerRequest null) — how a run without Redis ignored SIGTERM (issue 17).
 */
export async function closeRedisClient(client: RedisClient, withinMs = 2_000): Promise<void> {
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
 * On a cluster every master is asked (once the client has its slot map); replicas promoted later
 * are not — give every node of a cluster the same policy.
 */
export async function assertNoEviction(redis: RedisClient, warn: (message: string) => void): Promise<void> {
  const servers = redis instanceof Cluster ? await clusterMasters(redis) : [redis];
  for (const server of servers) {
    let policy: string | undefined;
    try {
      const reply = (await server.config('GET', 'maxmemory-policy')) as unknown as string[];
      policy = reply[1];
    } catch (err) {
      warn(`cannot read maxmemory-policy (${(err as Error).message}); make sure it is noeviction`);
      return;
    }
    if (policy !== undefined && policy !== 'noeviction') {
      const where = redis instanceof Cluster ? ` on ${server.options.host}:${server.options.port}` : '';
      throw new MissiveError(
        'MSV_REDIS_POLICY',
        `Redis maxmemory-policy is "${policy}"${where}; Missive needs "noeviction" (redis-cli CONFIG SET maxmemory-policy noeviction)`,
      );
    }
  }
}

/** The cluster's masters, once the client is ready (it learns them from CLUSTER SLOTS). */
async function clusterMasters(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('end', () =>
        reject(
          new MissiveError('MSV_REDIS_UNAVAILABLE', 'the Redis Cluster connection ended before it was ready'),
        ),
      );
    });
  }
  return cluster.nodes('master');
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

/** A new connection with the same options (a Cluster's `duplicate` and a Redis' differ in signature). */
export function duplicateClient(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate() : client.duplicate();
}
