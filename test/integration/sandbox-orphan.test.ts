import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../support/run-process.ts';
import { waitFor } from '../support/worker-process.ts';

/**
 * RELIABILITY F5: a sandboxed render child never outlives its run by more than a few seconds,
 * whatever phase it is in when the run gets `kill -9`. A stand-in parent forks BullMQ's sandbox
 * main.js as the render worker does (test/support/sandbox-orphan-parent.ts), reaches a phase, and is
 * killed. Before the orphan guard (workers/orphan-guard.mjs), a child stuck in `process.exit` (pino's
 * flush to the dead pipe) or in a synchronous loop lived on for ever and ignored SIGTERM.
 */
const PARENT = fileURLToPath(new URL('../support/sandbox-orphan-parent.ts', import.meta.url));
const GONE_WITHIN_MS = 3_000;

describe('a render sandbox child whose run is killed', () => {
  const leftovers: number[] = [];
  afterEach(() => {
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  });

  const killParentIn = async (phase: string) => {
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, phase], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => parent.once('exit', r));
    try {
      await waitFor(async () => (/^ready$/m.test(out) ? true : undefined), 45_000, `phase ${phase}`);
    } catch (e) {
      parent.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${err.slice(-2_000)}`);
    }
    const child = Number(out.split('\n')[0]);
    leftovers.push(child);
    expect(isAlive(child)).toBe(true);
    // A job's phases: let it get into what it does once the parent is gone.
    await new Promise((r) => setTimeout(r, 200));
    parent.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    while (isAlive(child) && Date.now() - killedAt < 10_000) await new Promise((r) => setTimeout(r, 50));
    const aliveAfterMs = Date.now() - killedAt;
    if (isAlive(child)) process.kill(child, 'SIGTERM');
    return { aliveAfterMs, stillAliveAfterSigterm: await stillAlive(child) };
  };

  const stillAlive = async (pid: number) => {
    await new Promise((r) => setTimeout(r, 500));
    return isAlive(pid);
  };

  for (const phase of ['before-init', 'loading', 'job-hang', 'job-exit-flush', 'job-busy']) {
    it(`is gone within ${GONE_WITHIN_MS / 1000} s when the run dies in phase ${phase}`, async () => {
      const { aliveAfterMs, stillAliveAfterSigterm } = await killParentIn(phase);
      expect({
        aliveAfterMs: aliveAfterMs < GONE_WITHIN_MS ? 'ok' : aliveAfterMs,
        stillAliveAfterSigterm,
      }).toEqual({
        aliveAfterMs: 'ok',
        stillAliveAfterSigterm: false,
      });
    }, 90_000);
  }
});
