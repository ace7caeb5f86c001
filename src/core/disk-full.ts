import fs from 'node:fs';
import path from 'node:path';
import { MissiveError } from './errors.ts';

/**
 * A full disk, wherever it shows (issue 17, RELIABILITY F7): SQLite's SQLITE_FULL, a file write's
 * ENOSPC (the archive's blobs, the send journal), PostgreSQL's disk_full (53100) — also when only
 * the message survived, as with an error from a sandboxed render child. A run that meets one stops
 * with one MSV_DISK_FULL error naming the path and its free space, loses nothing (the customer is
 * not failed: the chunk or send is left to the next run) and the same command resumes.
 */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === '53100') return true;
    if (code === 'MSV_DISK_FULL') return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && DISK_FULL_TEXT.test(message)) return true;
  }
  return false;
}

const DISK_FULL_TEXT =
  /\bENOSPC\b|no space left on device|database or disk is full|\bSQLITE_FULL\b|\[MSV_DISK_FULL\]/i;

/** Where the run keeps what a full disk refuses: the SQLite file (if any) and the data folder. */
export interface DiskPaths {
  database?: string | undefined;
  dataDir: string;
}

/** The MSV_DISK_FULL error for `err`: the path it could not write and the free space there now. */
export function diskFullError(err: unknown, paths: DiskPaths): MissiveError {
  if (err instanceof MissiveError && err.code === 'MSV_DISK_FULL') return err;
  const target = failedPath(err, paths);
  const space = freeSpace(target);
  const where = space
    ? `${formatBytes(space.free)} free of ${formatBytes(space.total)} on its file system`
    : 'free space unknown';
  const what = firstLine(err);
  return new MissiveError(
    'MSV_DISK_FULL',
    `disk full: could not write ${target} (${what}); ${where}. The run stopped and nothing was lost: free space there, then run the same command again`,
    {},
    { cause: err },
  );
}

export interface DiskFullWatch {
  /** Aborted, with the MSV_DISK_FULL error as reason, at the first full disk reported. */
  readonly signal: AbortSignal;
  /** Says whether `err` is a full disk; the first one aborts `signal` (later ones are only counted). */
  report(err: unknown): boolean;
  /** How many full-disk errors were reported. */
  readonly count: number;
}

export function watchDiskFull(paths: DiskPaths): DiskFullWatch {
  const controller = new AbortController();
  let count = 0;
  return {
    signal: controller.signal,
    get count() {
      return count;
    },
    report(err) {
      if (!isDiskFull(err)) return false;
      count += 1;
      if (!controller.signal.aborted) controller.abort(diskFullError(err, paths));
      return true;
    },
  };
}

function failedPath(err: unknown, paths: DiskPaths): string {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const own = (e as { path?: unknown }).path;
    if (typeof own === 'string') return own;
    const message = String((e as { message?: unknown }).message ?? '');
    const quoted = /(?:ENOSPC|EDQUOT)[^']*'([^']+)'/.exec(message)?.[1];
    if (quoted) return quoted;
    if (
      /SQLITE_FULL|database or disk is full/i.test(message) ||
      (e as { code?: unknown }).code === 'SQLITE_FULL'
    )
      return paths.database ?? paths.dataDir;
  }
  return paths.dataDir;
}

/** Free and total bytes of the file system holding `target` (its nearest existing folder). */
export function freeSpace(target: string): { free: number; total: number } | undefined {
  for (let dir = target; ; dir = path.dirname(dir)) {
    try {
      const s = fs.statfsSync(dir);
      return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
    } catch {
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 200);
}
