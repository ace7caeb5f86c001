import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedRedis } from '../../src/batch/embedded-redis.ts';

/** The same embedded redis-server the CLI uses, in a temp folder, without persistence. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-test-redis-'));
  const redis = await startEmbeddedRedis({
    bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    dir,
    persist: false,
  });
  return {
    url: redis.url,
    stop: async () => {
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
