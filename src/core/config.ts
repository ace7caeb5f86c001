import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
    .regex(
      /^rediss?(\+cluster)?:\/\//,
      'must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port for a Redis Cluster',
    )
    .optional(),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  MISSIVE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  MISSIVE_QUEUE_PREFIX: z.string().min(1).default('missive'),
  MISSIVE_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  MISSIVE_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  MISSIVE_RENDER_SANDBOX: z.enum(['on', 'off']).default('on'),
  MISSIVE_ARCHIVE_S3_BUCKET: z.string().min(3).optional(),
  MISSIVE_ARCHIVE_S3_ENDPOINT: z.string().url().optional(),
  MISSIVE_ARCHIVE_S3_REGION: z.string().min(1).default('us-east-1'),
  MISSIVE_ARCHIVE_S3_PREFIX: z.string().optional(),
  MISSIVE_JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
  MISSIVE_WORKER_IDLE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  MISSIVE_REDIS_UNAVAILABLE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  MISSIVE_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(10_000),
  MISSIVE_RENDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  MISSIVE_RENDER_MAX_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(1024),
  MISSIVE_COOKIE_SECURE: z.enum(['on', 'off', 'auto']).default('auto'),
  MISSIVE_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  MISSIVE_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  MISSIVE_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  MISSIVE_LOG_KEY_FILE: z.string().min(1).optional(),
  MISSIVE_RETENTION_FILE: z.string().min(1).optional(),
  MISSIVE_DATASOURCES_DIR: z.string().min(1).optional(),
  MISSIVE_BRANDS_DIR: z.string().min(1).optional(),
  MISSIVE_DEFAULT_BRAND: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'a brand folder name such as bank')
    .default('bank'),
  MISSIVE_PUBLIC_URL: z.string().url().default('http://127.0.0.1:8080'),
  MISSIVE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MISSIVE_MAIL_FROM: z.string().min(3).default('Missive <noreply@missive.localhost>'),
  MISSIVE_MAIL_FROM_SERVICE: z.string().min(3).optional(),
  MISSIVE_MESSAGE_ID_DOMAIN: z.string().min(1).default('missive.localhost'),
  MISSIVE_SMTP_RATE: z.coerce.number().positive().default(200),
  MISSIVE_SMTP_TLS_VERIFY: z.enum(['on', 'off']).default('on'),
  MISSIVE_DKIM_DOMAIN: z.string().min(1).optional(),
  MISSIVE_DKIM_SELECTOR: z.string().min(1).optional(),
  MISSIVE_DKIM_KEY_FILE: z.string().min(1).optional(),
  MISSIVE_TWILIO_API_BASE: z.string().url().optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC + 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  MISSIVE_SMS_FROM: z.string().min(1).default('+15005550006'),
  /** The studio's "send me a test" goes here when the form names nobody (issue 21 item 6). */
  MISSIVE_STUDIO_TEST_EMAIL: z.string().email().optional(),
  MISSIVE_STUDIO_TEST_PHONE: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'a phone number in international form, e.g. +447700900123')
    .optional(),
  MISSIVE_SMS_RATE: z.coerce.number().positive().default(100),
  MISSIVE_EMAIL_RATE: z.coerce.number().positive().default(200),
  MISSIVE_TRACKING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  MISSIVE_TRACKING_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  MISSIVE_PORTAL_LINK_DAYS: z.coerce.number().int().min(1).max(400).default(60),
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
  /**
   * The archive in an S3-compatible bucket instead of `archiveDir` (credentials from the AWS SDK's
   * usual sources: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles…).
   */
  readonly archiveS3: { bucket: string; endpoint?: string; region: string; prefix?: string } | undefined;
  /** BullMQ job lock (ms) of every worker; a job whose worker died is taken up again after about this long. Unset: render 120 s, others BullMQ's 30 s. */
  readonly jobLockMs: number | undefined;
  /** A worker that reconnected to Redis and has started no job for this long while jobs wait is recreated (src/batch/worker-watchdog.ts). */
  readonly workerIdleMs: number;
  /**
   * How long a command waits for an unreachable Redis (a stopped REDIS_URL, an embedded redis-server
   * that cannot be restarted) before it stops with MSV_REDIS_UNAVAILABLE (src/batch/redis-watch.ts).
   */
  readonly redisUnavailableMs: number;
  /** After SIGTERM/SIGINT, `missive run` stops within this long, whether or not Redis answers. */
  readonly shutdownTimeoutMs: number;
  /** Per-document caps of the guarded renderer (src/render/guard). */
  readonly renderLimits: { readonly timeoutMs: number; readonly maxHeapMb: number };
  /** Session cookies carry `Secure`: always (`on`), never (`off`), or when the request came over https (`auto`). */
  readonly cookieSecure: 'on' | 'off' | 'auto';
  readonly sessionTtlMinutes: number;
  /** API requests per minute per client address. */
  readonly rateLimit: number;
  /** Sign-in attempts per minute per client address. */
  readonly loginRateLimit: number;
  /** Ed25519 key (PKCS#8 PEM) that signs archive log checkpoints; created on first use. */
  readonly logKeyFile: string;
  /** Retention policy per communication type (YAML); default: retention.yaml shipped with Missive. */
  readonly retentionFile: string | undefined;
  /** The data source definitions (datasources/<type>/datasource.yaml); default: the ones Missive ships. */
  readonly datasourcesDir: string;
  /** The brands (brands/<name>/brand.yaml + logo); default: the ones Missive ships. */
  readonly brandsDir: string;
  /** The brand of runs whose communication type no published catalog brands (src/batch/run-brand.ts). */
  readonly defaultBrand: string;
  readonly channels: ChannelConfig;
  /** HMAC key of tracked links (src/feedback/tracking-token.ts); unset: a key file in the data dir. */
  readonly trackingKey: string | undefined;
  /** `<data dir>/keys/tracking.key`, beside the log key; created on first use. */
  readonly trackingKeyFile: string;
  /** Where earlier versions kept the key (`<data dir>/tracking.key`): still read when present. */
  readonly trackingLegacyKeyFile: string;
  /** How long a tracked link or open pixel stays valid. */
  readonly trackingTtlDays: number;
  /** How long the signed portal link of a statement or bill e-mail opens its document (src/feedback/portal-link.ts). */
  readonly portalLinkDays: number;
  /** What counts as an offer's success per communication type (src/feedback/success.ts); unset: defaults. */
  readonly successEvents: string | undefined;
}

/** Where email and SMS go (src/channels); unset SMTP URL or Twilio account means that channel is off. */
export interface ChannelConfig {
  readonly publicUrl: string;
  readonly smtpUrl: string | undefined;
  /** The From of marketing e-mails rendered without a brand (a brand's e-mails carry its sender). */
  readonly mailFrom: string;
  /** The same for service e-mails (statements, bills): MISSIVE_MAIL_FROM_SERVICE, else `mailFrom`. */
  readonly mailFromService: string;
  readonly messageIdDomain: string;
  /** Messages per second per SMTP relay (the token bucket's top rate). */
  readonly smtpRate: number;
  readonly smtpTlsVerify: boolean;
  readonly dkim: { domainName: string; keySelector: string; keyFile: string } | undefined;
  readonly twilioApiBase: string | undefined;
  readonly twilioAccountSid: string | undefined;
  readonly twilioAuthToken: string | undefined;
  readonly smsFrom: string;
  /** Where the studio's "send me a test" goes when the form names nobody. */
  readonly studioTestEmail: string | undefined;
  readonly studioTestPhone: string | undefined;
  /** BullMQ rate limits of the dispatch queues, jobs per second. */
  readonly emailRate: number;
  readonly smsRate: number;
}

/** The data sources shipped with Missive (`datasources/` in the installation folder). */
export const SHIPPED_DATASOURCES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'datasources',
);
/** The brands that ship with Missive (src/templates/brand/brand-source.ts names the same folder). */
export const SHIPPED_BRANDS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'brands',
);

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
    archiveS3: e.MISSIVE_ARCHIVE_S3_BUCKET
      ? {
          bucket: e.MISSIVE_ARCHIVE_S3_BUCKET,
          region: e.MISSIVE_ARCHIVE_S3_REGION,
          ...(e.MISSIVE_ARCHIVE_S3_ENDPOINT ? { endpoint: e.MISSIVE_ARCHIVE_S3_ENDPOINT } : {}),
          ...(e.MISSIVE_ARCHIVE_S3_PREFIX ? { prefix: e.MISSIVE_ARCHIVE_S3_PREFIX } : {}),
        }
      : undefined,
    jobLockMs: e.MISSIVE_JOB_LOCK_MS,
    workerIdleMs: e.MISSIVE_WORKER_IDLE_MS,
    redisUnavailableMs: e.MISSIVE_REDIS_UNAVAILABLE_MS,
    shutdownTimeoutMs: e.MISSIVE_SHUTDOWN_TIMEOUT_MS,
    renderLimits: { timeoutMs: e.MISSIVE_RENDER_TIMEOUT_MS, maxHeapMb: e.MISSIVE_RENDER_MAX_HEAP_MB },
    cookieSecure: e.MISSIVE_COOKIE_SECURE,
    sessionTtlMinutes: e.MISSIVE_SESSION_TTL_MINUTES,
    rateLimit: e.MISSIVE_RATE_LIMIT,
    loginRateLimit: e.MISSIVE_LOGIN_RATE_LIMIT,
    logKeyFile: path.resolve(e.MISSIVE_LOG_KEY_FILE ?? path.join(dataDir, 'keys', 'log-ed25519.pem')),
    datasourcesDir: path.resolve(e.MISSIVE_DATASOURCES_DIR ?? SHIPPED_DATASOURCES_DIR),
    brandsDir: path.resolve(e.MISSIVE_BRANDS_DIR ?? SHIPPED_BRANDS_DIR),
    defaultBrand: e.MISSIVE_DEFAULT_BRAND,
    retentionFile:
      e.MISSIVE_RETENTION_FILE === undefined ? undefined : path.resolve(e.MISSIVE_RETENTION_FILE),
    channels: Object.freeze({
      publicUrl: e.MISSIVE_PUBLIC_URL,
      smtpUrl: e.MISSIVE_SMTP_URL,
      mailFrom: e.MISSIVE_MAIL_FROM,
      mailFromService: e.MISSIVE_MAIL_FROM_SERVICE ?? e.MISSIVE_MAIL_FROM,
      messageIdDomain: e.MISSIVE_MESSAGE_ID_DOMAIN,
      smtpRate: e.MISSIVE_SMTP_RATE,
      smtpTlsVerify: e.MISSIVE_SMTP_TLS_VERIFY === 'on',
      dkim:
        e.MISSIVE_DKIM_DOMAIN && e.MISSIVE_DKIM_SELECTOR && e.MISSIVE_DKIM_KEY_FILE
          ? {
              domainName: e.MISSIVE_DKIM_DOMAIN,
              keySelector: e.MISSIVE_DKIM_SELECTOR,
              keyFile: e.MISSIVE_DKIM_KEY_FILE,
            }
          : undefined,
      twilioApiBase: e.MISSIVE_TWILIO_API_BASE,
      twilioAccountSid: e.TWILIO_ACCOUNT_SID,
      twilioAuthToken: e.TWILIO_AUTH_TOKEN,
      smsFrom: e.MISSIVE_SMS_FROM,
      studioTestEmail: e.MISSIVE_STUDIO_TEST_EMAIL,
      studioTestPhone: e.MISSIVE_STUDIO_TEST_PHONE,
      emailRate: e.MISSIVE_EMAIL_RATE,
      smsRate: e.MISSIVE_SMS_RATE,
    }),
    trackingKey: e.MISSIVE_TRACKING_KEY,
    trackingKeyFile: path.join(dataDir, 'keys', 'tracking.key'),
    trackingLegacyKeyFile: path.join(dataDir, 'tracking.key'),
    trackingTtlDays: e.MISSIVE_TRACKING_TTL_DAYS,
    portalLinkDays: e.MISSIVE_PORTAL_LINK_DAYS,
    successEvents: e.MISSIVE_SUCCESS_EVENTS,
  });
}
