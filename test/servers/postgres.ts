import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from '../../src/core/free-port.ts';

/**
 * A throwaway PostgreSQL for the test run: initdb into a temp folder, loopback only, a free port,
 * fsync off, trust auth. Run as root, the server runs as the `postgres` user (PostgreSQL refuses
 * root) through spawn's uid/gid, so the pid we hold is the postmaster itself and a signal reaches it.
 */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/missive_test */
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE = 'missive_test';

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPgBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-test-pg-'));
  const owner = serverUser();
  try {
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    initDb(bin, dir, owner);
    const port = await freeLoopbackPort();
    const server = startServer(bin, dir, port, owner);
    const stop = () => stopServer(server.child, dir);
    try {
      await waitUntilReady(port, server);
      await createDatabase(port);
    } catch (error) {
      await stop();
      throw error;
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`, stop };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `pg_config --bindir`, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPgBinDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim());
  } catch {
    // pg_config is in libpq-dev, which may be missing; fall back to Debian's layout.
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  candidates.push(...versions.map((v) => path.join(root, v, 'bin')));
  const found = candidates.find(
    (dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')),
  );
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) not found; install them with: apt-get install -y postgresql',
    );
  }
  return found;
}

interface Owner {
  uid: number;
  gid: number;
}

/** As root, the `postgres` system user; otherwise ourselves (undefined). */
function serverUser(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'running as root, but there is no `postgres` user to run PostgreSQL as (apt-get install -y postgresql creates it)',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function initDb(bin: string, dir: string, owner: Owner | undefined): void {
  const args = [
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ];
  const result = spawnSync(path.join(bin, 'initdb'), args, { cwd: dir, encoding: 'utf8', ...owner });
  if (result.status !== 0) {
    throw new Error(`initdb failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
  }
}

interface Server {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function startServer(bin: string, dir: string, port: number, owner: Owner | undefined): Server {
  const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'];
  const args = ['-D', path.join(dir, 'data'), '-h', '127.0.0.1', '-p', String(port), '-k', dir];
  for (const s of settings) args.push('-c', s);
  const child = spawn(path.join(bin, 'postgres'), args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...owner,
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
  const killOnExit = () => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));
  return { child, log: () => log, exited };
}

async function waitUntilReady(port: number, server: Server): Promise<void> {
  let exitCode: number | null | undefined;
  server.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`postgres exited (${exitCode}) before accepting connections:\n${server.log()}`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections in 30 s: ${String(error)}\n${server.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function createDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** SIGINT is PostgreSQL's "fast shutdown": it ends sessions and exits; SIGKILL if it takes over 10 s. */
async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
