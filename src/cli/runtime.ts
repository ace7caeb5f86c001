import fs from 'node:fs';
import { createFsBlobStore } from '../archive/fs-blob-store.ts';
import type { BlobStore } from '../archive/index.ts';
import type { RedisClient, RedisWatch, SupervisedRedis } from '../batch/redis.ts';
import { type Config, loadConfig } from '../core/config.ts';
import { type DiskFullWatch, watchDiskFull } from '../core/disk-full.ts';
import { throttled } from '../core/log-throttle.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore, type Store } from '../store/index.ts';

/**
 * The I/O a command works with, assembled once: config, logger, the store, the archive and, when a
 * command needs queues, Redis (the private embedded one unless REDIS_URL is set: one server or a
 * Redis Cluster, batch/redis-target.ts). `close()` releases
 * all of it, including stopping the embedded redis-server.
 */
export interface Runtime {
  config: Config;
  logger: Logger;
  store: Store;
  blobs: BlobStore;
  close(): Promise<void>;
}

export interface QueueRuntime extends Runtime {
  redisUrl: string;
  /** MISSIVE_QUEUE_PREFIX, hash-tagged on a Redis Cluster (`{missive}`): every BullMQ key in one slot. */
  queuePrefix: string;
  /** A fresh client per BullMQ object: workers hold blocking connections. */
  connect(): RedisClient;
  /**
   * Aborted, with a MissiveError as reason, when the command must give up on Redis: unreachable
   * past MISSIVE_REDIS_UNAVAILABLE_MS (MSV_REDIS_UNAVAILABLE), refusing writes for want of disk
   * (MSV_REDIS_CANNOT_PERSIST), or an embedded server that could not be restarted.
   */
  redisLost: AbortSignal;
  /** Workers report failures here; the first full disk (SQLITE_FULL, ENOSPC) aborts its signal. */
  diskFull: DiskFullWatch;
  /** `redisLost` or a full disk: the command stops with that error (exit 1) and resumes when run again. */
  lost: AbortSignal;
}

export async function openRuntime(config: Config = loadConfig()): Promise<Runtime> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  // The AWS SDK (a tenth of a second to load) only when the archive is an S3 bucket (issue 18).
  const blobs = config.archiveS3
    ? (await import('../archive/heavy.ts')).openBlobStore(config)
    : createFsBlobStore(config.archiveDir);
  return { config, logger, store, blobs, close: () => store.close() };
}

export async function openQueueRuntime(config: Config = loadConfig()): Promise<QueueRuntime> {
  // ioredis and the supervision only for the commands that need queues, not for every command (issue 18).
  const [
    { superviseEmbeddedRedis },
    { assertNoEviction, closeRedisClient, connectRedisClient },
    { repeatKeyOf },
    { watchRedis },
    { parseRedisTarget, queuePrefixFor },
  ] = await Promise.all([
    import('../batch/redis.ts'),
    import('../batch/redis.ts'),
    import('../batch/redis.ts'),
    import('../batch/redis.ts'),
    import('../batch/redis.ts'),
  ]);
  const base = await openRuntime(config);
  let embedded: SupervisedRedis | undefined;
  let watch: RedisWatch | undefined;
  const clients: RedisClient[] = [];
  // Connection errors of every client, counted rather than repeated (a dead Redis: several a second each).
  const errors = throttled(base.logger);
  const onError = (err: Error) =>
    errors.error(`redis:${repeatKeyOf(err)}`, { err: err.message }, 'redis error');
  const release = async () => {
    errors.flush();
    await watch?.close();
    await Promise.allSettled(clients.map((c) => closeRedisClient(c)));
    await embedded?.stop();
    await base.close();
  };
  try {
    if (!config.redisUrl) {
      embedded = await superviseEmbeddedRedis({
        bin: config.redisServerBin,
        dir: config.redisDir,
        logger: base.logger,
      });
      base.logger.info({ url: embedded.url }, 'embedded redis-server started');
    }
    const redisUrl = config.redisUrl ?? embedded!.url;
    const queuePrefix = queuePrefixFor(config.queuePrefix, parseRedisTarget(redisUrl));
    const connect = () => {
      const client = connectRedisClient(redisUrl, onError);
      clients.push(client);
      return client;
    };
    await assertNoEviction(connect(), (m) => base.logger.warn(m));
    const supervisor = embedded;
    watch = watchRedis({
      url: redisUrl,
      logger: base.logger,
      unavailableMs: config.redisUnavailableMs,
      probeKey: `${queuePrefix}:health:${process.pid}`,
      hint: () =>
        supervisor?.problem ? `the embedded redis-server did not restart: ${supervisor.problem}` : undefined,
    });
    const redisLost = embedded ? AbortSignal.any([watch.signal, embedded.signal]) : watch.signal;
    const diskFull = watchDiskFull({
      database: config.databaseUrl ? undefined : config.sqlitePath,
      dataDir: config.dataDir,
    });
    const lost = AbortSignal.any([redisLost, diskFull.signal]);
    return { ...base, redisUrl, queuePrefix, connect, redisLost, diskFull, lost, close: release };
  } catch (err) {
    await release();
    throw err;
  }
}
