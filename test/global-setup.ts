import type { TestProject } from 'vitest/node';
import { startPostgres } from './servers/postgres.ts';
import { startRedis } from './servers/redis.ts';

/**
 * Real servers on loopback, started once per test run and shared by every integration test.
 * Tests isolate themselves by unique names (queue prefixes, database schemas), not new servers.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  project.provide('databaseUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.allSettled([postgres.stop(), redis.stop()]);
  };
}
