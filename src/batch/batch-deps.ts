import type { Kysely } from 'kysely';
import type { BlobStore } from '../archive/index.ts';
import type { Channel } from '../channels/index.ts';
import type { DiskFullWatch } from '../core/disk-full.ts';
import type { Logger } from '../core/logger.ts';
import type { ChannelKind } from '../core/types.ts';
import type { LinkTracking } from '../feedback/index.ts';
import type { RenderLimits } from '../render/index.ts';
import type { Database } from '../store/index.ts';
import type { DispatchChannel } from './queues.ts';
import type { RedisClient } from './redis-connection.ts';
import type { SandboxLocation } from './workers/render-sandbox.ts';

/** What the batch stages need: the store, the archive, Redis, and how this process runs them. */
export interface BatchDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  logger: Logger;
  connect(): RedisClient;
  queuePrefix: string;
  chunkSize: number;
  concurrency: number;
  /** Render in sandboxed child processes that open the store and archive here (see render-sandbox.ts). */
  sandbox?: SandboxLocation | undefined;
  /**
   * Email and SMS channels (src/channels/registry.ts) this process sends on. Given (even empty), a
   * foreground run checks them before rendering: a channel its type may choose that is missing is
   * paper (paper by law) or a refusal (src/batch/run-channels.ts). Undefined: nothing is sent here
   * (workers elsewhere send), and those documents wait archived.
   */
  channels?: Partial<Record<ChannelKind, Channel>> | undefined;
  /** BullMQ job lock of the workers (ms): how soon a dead worker's jobs are taken up again. */
  jobLockMs?: number | undefined;
  /** How long a worker may sit idle with jobs waiting after a Redis reconnect before it is recreated. */
  workerIdleMs?: number | undefined;
  /** Jobs per second of each dispatch queue. */
  dispatchRates?: Record<DispatchChannel, number> | undefined;
  /** The data source definitions (default: the ones Missive ships). */
  datasourcesDir?: string | undefined;
  /**
   * Short tracked links of marketing e-mail and SMS rendered in this process (sandboxed renders
   * read the same settings from the configuration); without them such documents fail.
   */
  tracking?: LinkTracking | undefined;
  /**
   * Each document rendered in this process gets a render thread with these time and heap caps
   * (RELIABILITY B1, render/guard/guarded-renderer.ts), as in a sandboxed child; without them it is
   * rendered inline.
   */
  renderLimits?: RenderLimits | undefined;
  /**
   * Aborted (reason: a MissiveError) when Redis is given up on (src/cli/runtime.ts `redisLost`): the
   * run stops waiting, closes its workers without waiting on Redis and throws the reason.
   */
  signal?: AbortSignal | undefined;
  /**
   * The folder of the send journal (src/channels/send-journal.ts): a provider's acceptance is kept
   * there before the ledger records it, so a `sent` the store refused is never sent again.
   */
  sendJournalDir?: string | undefined;
  /**
   * Told of every job that failed on a full disk; its `signal` is part of `signal` (the CLI's
   * runtime), so the run stops with one MSV_DISK_FULL error and resumes once space is back.
   */
  diskFull?: DiskFullWatch | undefined;
}
