import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MissiveError } from './errors.ts';

/**
 * Every setting Missive reads from the environment, validated once, with its default.
 * The README's "Configuration" table is this schema in prose; keep them together.
 */
const envSchema = z.object({
  MISSIVE_DATA_DIR: z.string().min(1).default('./.missive'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  MISSIVE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  MISSIVE_QUEUE_PREFIX: z.string().min(1).default('missive'),
  MISSIVE_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  MISSIVE_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  MISSIVE_RENDER_SANDBOX: z.enum(['on', 'off']).default('on'),
  MISSIVE_RENDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  MISSIVE_RENDER_MAX_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(1024),
  MISSIVE_TRACKING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  MISSIVE_TRACKING_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  MISSIVE_SUCCESS_EVENTS: z.string().optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  readonly archiveDir: string;
  readonly redisUrl: string | undefined;
  readonly redisServerBin: string;
  readonly redisDir: string;
  readonly logLevel: string;
  readonly queuePrefix: string;
  readonly chunkSize: number;
  /** Chunks rendered at once: child processes when sandboxed (default: one per core), else 4. */
  readonly concurrency: number;
  /** Render in BullMQ sandboxed child processes, using every core. */
  readonly renderSandbox: boolean;
  /** Per-document caps of the guarded renderer (src/render/guard). */
  readonly renderLimits: { readonly timeoutMs: number; readonly maxHeapMb: number };
  /** HMAC key of tracked links (src/feedback/tracking-token.ts); unset: a key file in the data dir. */
  readonly trackingKey: string | undefined;
  readonly trackingKeyFile: string;
  /** How long a tracked link or open pixel stays valid. */
  readonly trackingTtlDays: number;
  /** What counts as an offer's success per communication type (src/feedback/success.ts); unset: defaults. */
  readonly successEvents: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new MissiveError('MSV_CONFIG_INVALID', `invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.MISSIVE_DATA_DIR);
  return Object.freeze({
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: path.join(dataDir, 'missive.sqlite'),
    archiveDir: path.join(dataDir, 'archive'),
    redisUrl: e.REDIS_URL,
    redisServerBin: e.REDIS_SERVER_BIN,
    redisDir: path.join(dataDir, 'redis'),
    logLevel: e.MISSIVE_LOG_LEVEL,
    queuePrefix: e.MISSIVE_QUEUE_PREFIX,
    chunkSize: e.MISSIVE_CHUNK_SIZE,
    concurrency: e.MISSIVE_CONCURRENCY ?? (e.MISSIVE_RENDER_SANDBOX === 'on' ? os.availableParallelism() : 4),
    renderSandbox: e.MISSIVE_RENDER_SANDBOX === 'on',
    renderLimits: { timeoutMs: e.MISSIVE_RENDER_TIMEOUT_MS, maxHeapMb: e.MISSIVE_RENDER_MAX_HEAP_MB },
    trackingKey: e.MISSIVE_TRACKING_KEY,
    trackingKeyFile: path.join(dataDir, 'tracking.key'),
    trackingTtlDays: e.MISSIVE_TRACKING_TTL_DAYS,
    successEvents: e.MISSIVE_SUCCESS_EVENTS,
  });
}
