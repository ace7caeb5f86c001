import fs from 'node:fs';
import type { Redis } from 'ioredis';
import type { BlobStore } from '../archive/blob-store.ts';
import { openBlobStore } from '../archive/open-blob-store.ts';
import { type EmbeddedRedis, startEmbeddedRedis } from '../batch/embedded-redis.ts';
import { assertNoEviction, connectRedis } from '../batch/redis-connection.ts';
import { type Config, loadConfig } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore, type Store } from '../store/db.ts';

/**
 * The I/O a command works with, assembled once: config, logger, the store, the archive and, when a
 * command needs queues, Redis (the private embedded one unless REDIS_URL is set). `close()` releases
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
  /** A fresh client per BullMQ object: workers hold blocking connections. */
  connect(): Redis;
}

export async function openRuntime(config: Config = loadConfig()): Promise<Runtime> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  const blobs = openBlobStore(config);
  return { config, logger, store, blobs, close: () => store.close() };
}

export async function openQueueRuntime(config: Config = loadConfig()): Promise<QueueRuntime> {
  const base = await openRuntime(config);
  let embedded: EmbeddedRedis | undefined;
  const clients: Redis[] = [];
  try {
    if (!config.redisUrl) {
      embedded = await startEmbeddedRedis({ bin: config.redisServerBin, dir: config.redisDir });
      base.logger.info({ url: embedded.url }, 'embedded redis-server started');
    }
    const redisUrl = config.redisUrl ?? embedded!.url;
    const connect = () => {
      const client = connectRedis(redisUrl);
      clients.push(client);
      return client;
    };
    await assertNoEviction(connect(), (m) => base.logger.warn(m));
    const close = async () => {
      await Promise.allSettled(clients.map((c) => c.quit()));
      await embedded?.stop();
      await base.close();
    };
    return { ...base, redisUrl, connect, close };
  } catch (err) {
    await Promise.allSettled(clients.map((c) => c.quit()));
    await embedded?.stop();
    await base.close();
    throw err;
  }
}
