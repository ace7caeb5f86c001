import { openQueueRuntime, openRuntime, type QueueRuntime, type Runtime } from './runtime.ts';

/** Opens the runtime for one command and always closes it, also on Ctrl-C. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export async function withQueueRuntime<T>(fn: (rt: QueueRuntime) => Promise<T>): Promise<T> {
  const rt = await openQueueRuntime();
  const onSignal = () => {
    process.stderr.write(
      '\nmissive: interrupted; stopping (the run resumes where it stopped when you start it again)\n',
    );
    void rt.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(rt);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rt.close();
  }
}
