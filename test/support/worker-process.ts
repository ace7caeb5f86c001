import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './stores.ts';

/** A `missive worker` child process, its output captured; `ready` resolves once it says so. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

export function spawnWorker(env: Record<string, string>, args: string[] = []): WorkerProcess {
  let output = '';
  const child = spawn('node', [path.join(ROOT, 'bin', 'missive.js'), 'worker', ...args], {
    env: { ...process.env, MISSIVE_RENDER_SANDBOX: 'off', MISSIVE_LOG_LEVEL: 'silent', ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes('missive worker ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited (${code}) before ready: ${output}`)));
  });
  return { child, output: () => output, ready, exited };
}

/** Polls `check` every 100 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
