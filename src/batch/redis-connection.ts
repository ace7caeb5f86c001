import { Redis } from 'ioredis';
import { MissiveError } from '../core/errors.ts';

/**
 * BullMQ needs ready-made ioredis clients in ESM (see NOTES.md) with `maxRetriesPerRequest: null`
 * so blocking commands survive reconnects.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
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
