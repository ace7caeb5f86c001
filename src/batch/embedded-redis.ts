import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissiveError } from '../core/errors.ts';
import { freeLoopbackPort } from '../core/free-port.ts';

/**
 * A private redis-server for one machine: loopback only, a free port, data under the data folder,
 * `noeviction` (BullMQ loses jobs under any other policy) and append-only persistence so a crashed
 * run can resume. Started by the CLI when REDIS_URL is unset; stopped when the CLI exits — and
 * when the CLI is killed (SIGKILL, a crash), by a watcher child (redis-owner-watch.mjs) within about
 * a second of its death.
 */
export interface EmbeddedRedis {
  readonly url: string;
  readonly pid: number;
  /** Settles when the server exits: `expected` after stop(), otherwise it died (kill -9, a crash). */
  readonly exited: Promise<EmbeddedRedisExit>;
  stop(): Promise<void>;
}

export interface EmbeddedRedisExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  expected: boolean;
}

export interface EmbeddedRedisOptions {
  bin: string;
  dir: string;
  /** Persist to an append-only file (default true). Tests turn it off. */
  persist?: boolean;
  /** A fixed port (default: a free one): a restarted server keeps its URL. */
  port?: number;
  startTimeoutMs?: number;
}

export const REDIS_INSTALL_HINT = 'apt-get update && apt-get install -y redis-server';

const PID_FILE = 'missive-redis.pid';

export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  fs.mkdirSync(options.dir, { recursive: true });
  await stopOrphan(path.join(options.dir, PID_FILE));
  const port = options.port ?? (await freeLoopbackPort());
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', options.dir,
    '--maxmemory-policy', 'noeviction',
    '--appendonly', options.persist === false ? 'no' : 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--logfile', path.join(options.dir, 'redis.log'),
  ]; // biome-ignore format: one flag per line pair reads best
  const child = spawn(options.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForStart(child, port, options);
  const pidFile = path.join(options.dir, PID_FILE);
  fs.writeFileSync(pidFile, String(child.pid));
  watchOwner(child);
  const url = `redis://127.0.0.1:${port}`;
  let stopping = false;
  const exited = new Promise<EmbeddedRedisExit>((resolve) => {
    const report = () => resolve({ code: child.exitCode, signal: child.signalCode, expected: stopping });
    if (child.exitCode !== null || child.signalCode !== null) report();
    else child.once('exit', report);
  });
  return {
    url,
    pid: child.pid ?? 0,
    exited,
    stop: async () => {
      stopping = true;
      await stopChild(child);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

const OWNER_WATCH = fileURLToPath(new URL('./redis-owner-watch.mjs', import.meta.url));

/**
 * A small Node child that stops the server when this process dies without stopping it (kill -9):
 * it polls its parent pid; it exits by itself with the server. Not waited on, holds no stdio.
 */
function watchOwner(server: ChildProcess): void {
  if (!server.pid) return;
  const watcher = spawn(process.execPath, [OWNER_WATCH, String(process.pid), String(server.pid)], {
    stdio: 'ignore',
  });
  watcher.on('error', () => {}); // without it the server is still stopped by the next command
  watcher.unref();
}

/**
 * A command killed with SIGKILL cannot stop its redis-server by itself (its watcher does). The next one to use the same data
 * folder stops it (SIGTERM: it writes its append-only file and exits), so two servers never share
 * one folder and the queued work survives in the append-only file.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isRedisServer(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 200 && isAlive(pid); i += 1) await sleep(25);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isRedisServer(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return isAlive(pid); // no /proc: trust the pid file
  }
}

async function waitForStart(child: ChildProcess, port: number, options: EmbeddedRedisOptions): Promise<void> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  let spawnError: NodeJS.ErrnoException | undefined;
  let exited = false;
  let stderr = '';
  child.once('error', (err: NodeJS.ErrnoException) => {
    spawnError = err;
  });
  child.once('exit', () => {
    exited = true;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  while (Date.now() < deadline) {
    if (spawnError?.code === 'ENOENT') {
      throw new MissiveError(
        'MSV_REDIS_MISSING',
        `redis-server not found (${options.bin}). Install it with: ${REDIS_INSTALL_HINT} — or set REDIS_URL to use an existing Redis.`,
      );
    }
    if (spawnError || exited) {
      const log = readTail(path.join(options.dir, 'redis.log'));
      throw new MissiveError(
        'MSV_REDIS_START_FAILED',
        `redis-server exited during start: ${spawnError?.message ?? ''}${stderr}${log}`.trim(),
      );
    }
    if (await canConnect(port)) return;
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new MissiveError('MSV_REDIS_START_FAILED', `redis-server did not accept connections on port ${port}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readTail(file: string): string {
  try {
    return `\n${fs.readFileSync(file, 'utf8').split('\n').slice(-5).join('\n')}`;
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
