import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/batch/embedded-redis.ts';
import { assertNoEviction, connectRedis } from '../../src/batch/redis-connection.ts';
import { MissiveError } from '../../src/core/errors.ts';

describe('embedded redis-server', () => {
  let dir: string;
  let redis: EmbeddedRedis;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-redis-'));
    redis = await startEmbeddedRedis({ bin: 'redis-server', dir });
  });
  afterAll(async () => {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback with noeviction and keeps its data under the given folder', async () => {
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = connectRedis(redis.url);
    try {
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', fs.realpathSync(dir)]);
      await expect(assertNoEviction(client, () => {})).resolves.toBeUndefined();
    } finally {
      await client.quit();
    }
  });

  it('refuses a Redis whose eviction policy could drop jobs', async () => {
    const client = connectRedis(redis.url);
    try {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const err = await assertNoEviction(client, () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissiveError);
      expect((err as MissiveError).code).toBe('MSV_REDIS_POLICY');
      expect((err as MissiveError).message).toContain('allkeys-lru');
    } finally {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
      await client.quit();
    }
  });

  it('stops the process it started', async () => {
    const other = await startEmbeddedRedis({
      bin: 'redis-server',
      dir: path.join(dir, 'other'),
      persist: false,
    });
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });

  it('stops a redis-server left running in its folder by a killed command before starting its own', async () => {
    const folder = path.join(dir, 'orphan');
    const orphan = await startEmbeddedRedis({ bin: 'redis-server', dir: folder, persist: false });
    const next = await startEmbeddedRedis({ bin: 'redis-server', dir: folder, persist: false });
    try {
      expect(() => process.kill(orphan.pid, 0)).toThrow();
      const client = connectRedis(next.url);
      expect(await client.ping()).toBe('PONG');
      await client.quit();
    } finally {
      await next.stop();
    }
    expect(fs.existsSync(path.join(folder, 'missive-redis.pid'))).toBe(false);
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const err = await startEmbeddedRedis({
      bin: '/nonexistent/redis-server',
      dir: path.join(dir, 'missing'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissiveError);
    expect((err as MissiveError).code).toBe('MSV_REDIS_MISSING');
    expect((err as MissiveError).message).toContain('apt-get install -y redis-server');
  });
});
