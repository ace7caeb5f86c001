import type { SandboxedJob } from 'bullmq';
import { createFsBlobStore } from '../../archive/index.ts';
import { loadConfig } from '../../core/config.ts';
import { InvariantError } from '../../core/invariant.ts';
import { createLogger } from '../../core/logger.ts';
import { linkTrackingFromConfig } from '../../feedback/index.ts';
import { openStoreAt, type StoreLocation } from '../../store/index.ts';
import type { RenderChunkJob } from '../queues.ts';
import { createRenderChunkDeps } from './chunk-deps.ts';
import { exitWithParent } from './parent-watch.ts';
import { type ChunkOutcome, processRenderChunk, type RenderChunkDeps } from './render-chunk.ts';

/**
 * The render worker's processor as a BullMQ sandboxed processor: each child process renders whole
 * chunks on its own core. The parent hands the child where the store and the archive are through
 * the environment (see sandboxEnvironment); the child opens them once and keeps them.
 */
export const SANDBOX_STORE_ENV = 'MISSIVE_SANDBOX_STORE';
export const SANDBOX_ARCHIVE_ENV = 'MISSIVE_SANDBOX_ARCHIVE';
/** The pid of the process that forks the children (parent-watch.ts compares it with the child's ppid). */
export const SANDBOX_PARENT_PID_ENV = 'MISSIVE_SANDBOX_PARENT_PID';

export interface SandboxLocation {
  store: StoreLocation;
  archiveDir: string;
  /** The children's pino level (default: MISSIVE_LOG_LEVEL, else warn). */
  logLevel?: string;
}

export function sandboxEnvironment(location: SandboxLocation): Record<string, string> {
  return {
    [SANDBOX_STORE_ENV]: JSON.stringify(location.store),
    [SANDBOX_ARCHIVE_ENV]: location.archiveDir,
    [SANDBOX_PARENT_PID_ENV]: String(process.pid),
    ...(location.logLevel ? { MISSIVE_LOG_LEVEL: location.logLevel } : {}),
  };
}

// A sandbox child lives only as long as the worker that forked it: if that process dies (even by
// SIGKILL) an orphaned child must not linger holding the store open (parent-watch.ts).
if (process.send) {
  const parentPid = Number(process.env[SANDBOX_PARENT_PID_ENV]);
  exitWithParent({ parentPid: Number.isInteger(parentPid) && parentPid > 0 ? parentPid : undefined });
}

let deps: Promise<RenderChunkDeps> | undefined;

async function openDeps(): Promise<RenderChunkDeps> {
  const store = process.env[SANDBOX_STORE_ENV];
  const archiveDir = process.env[SANDBOX_ARCHIVE_ENV];
  if (!store || !archiveDir)
    // The worker that forks the sandbox always sets both (render-worker.ts).
    throw new InvariantError(`the render sandbox needs ${SANDBOX_STORE_ENV} and ${SANDBOX_ARCHIVE_ENV}`);
  const opened = await openStoreAt(JSON.parse(store) as StoreLocation);
  const config = loadConfig();
  return createRenderChunkDeps(
    opened.db,
    // The parent's environment names an S3 archive the same way; otherwise the folder it passed. The
    // AWS SDK (~0.1 s to load) only then: not in every worker and run that imports the batch stage.
    config.archiveS3
      ? (await import('../../archive/heavy.ts')).openBlobStore(config)
      : createFsBlobStore(archiveDir),
    createLogger(process.env.MISSIVE_LOG_LEVEL ?? 'warn', 'render-sandbox'),
    { limits: config.renderLimits, tracking: linkTrackingFromConfig(config) },
  );
}

export default async function renderChunkInSandbox(
  job: SandboxedJob<RenderChunkJob, ChunkOutcome>,
): Promise<ChunkOutcome> {
  deps ??= openDeps();
  return processRenderChunk(await deps, job.data);
}
