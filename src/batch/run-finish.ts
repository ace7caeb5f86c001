import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger.ts';
import type { RunStatus } from '../core/types.ts';
import { getRun, transitionRunStatus } from '../store/runs.ts';
import type { Database } from '../store/schema.ts';

/**
 * Closes a run whose work is done: `running` (or `planning`) → `completed`, compare-and-set, so when
 * several processes notice at once exactly one closes it. Returns the run's status afterwards (a
 * paused or cancelled run stays so).
 */
export async function finishRun(
  deps: { db: Kysely<Database>; logger: Logger },
  runId: string,
): Promise<RunStatus> {
  if (await transitionRunStatus(deps.db, runId, ['running', 'planning', 'failed', 'completed'], 'completed'))
    deps.logger.info({ runId }, 'run completed');
  return (await getRun(deps.db, runId))?.status ?? 'completed';
}
