/** The batch stage's Redis connection (ioredis): imported with `await import()` by the commands that use queues. */
export { type SupervisedRedis, superviseEmbeddedRedis } from './embedded-redis-supervisor.ts';
export {
  assertNoEviction,
  closeRedisClient,
  connectRedis,
  connectRedisClient,
  type RedisClient,
} from './redis-connection.ts';
export { repeatKeyOf } from './redis-fault.ts';
export { parseRedisTarget, queuePrefixFor } from './redis-target.ts';
export { type RedisWatch, watchRedis } from './redis-watch.ts';
