import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { isMissiveError } from '../../core/errors.ts';

/**
 * Work done after the answer (sending a code or a confirmation): its time is never in the
 * response, a failure is logged with its code only (no address), and closing the app waits for it.
 */
export type Background = (task: () => Promise<void>, what: string, log: FastifyBaseLogger) => void;

export function backgroundTasks(app: FastifyInstance): Background {
  const pending = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });
  return (task, what, log) => {
    const run: Promise<void> = task()
      .catch((err: unknown) => log.warn({ code: isMissiveError(err) ? err.code : 'error' }, `${what} failed`))
      .finally(() => pending.delete(run));
    pending.add(run);
  };
}
