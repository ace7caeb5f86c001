/**
 * Stands in for the render worker in sandbox-orphan.test.ts: forks BullMQ's sandbox main.js the way
 * BullMQ's Child does (same options, the render worker's execArgv), then goes as far as a phase and
 * waits there to be killed. Prints the child's pid, then `ready` once the child is in that phase.
 *   node --import tsx sandbox-orphan-parent.ts <phase>
 * Phases: before-init (no Init sent), loading (the processor's module never finishes loading),
 * job-<mode> (a job runs; modes in sandbox-orphan-processor.mjs).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxExecArgv } from '../../src/batch/workers/sandbox-fork.ts';

const phase = process.argv[2] ?? 'before-init';
const require = createRequire(import.meta.url);
const mainFile = path.join(path.dirname(require.resolve('bullmq')), 'classes', 'main.js');
const processor = fileURLToPath(new URL('./sandbox-orphan-processor.mjs', import.meta.url));
// BullMQ's numeric commands (bullmq/dist/cjs/enums): Init 0, Start 1; InitCompleted 4.
const INIT = 0;
const START = 1;
const INIT_COMPLETED = 4;

const child = fork(mainFile, [], {
  execArgv: sandboxExecArgv(),
  stdio: 'pipe',
  env: {
    ...process.env,
    MISSIVE_SANDBOX_PARENT_PID: String(process.pid),
    ORPHAN_TEST_LOAD: phase === 'loading' ? 'hang' : '',
    ORPHAN_TEST_PHASE: phase,
  },
});
child.stdout?.pipe(process.stderr);
child.stderr?.pipe(process.stderr);
process.stdout.write(`${child.pid}\n`);
if (phase === 'before-init') process.stdout.write('ready\n');
else child.send({ cmd: INIT, value: processor });
child.on('message', (message: { cmd: number | string; value?: unknown }) => {
  if (message.cmd === 'loading') process.stdout.write('ready\n');
  if (message.cmd === INIT_COMPLETED && phase.startsWith('job-')) {
    const job = { id: '1', name: 'chunk', data: JSON.stringify({ mode: phase.slice(4) }), opts: {} };
    child.send({ cmd: START, job, token: 'token' });
  }
  if (message.cmd === 8 /* Progress: the job has started */) process.stdout.write('ready\n');
});
setInterval(() => {}, 60_000);
