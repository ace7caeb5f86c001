import type { Kysely } from 'kysely';
import { type Database, getLogState, LOG_NAME } from '../store/index.ts';
import { type Checkpoint, signCheckpoint } from './checkpoint.ts';
import type { LogKey } from './log-key.ts';

/** Signs the log's current tree head (from the stored right edge: O(log n), no tree recomputation). */
export async function issueCheckpoint(
  db: Kysely<Database>,
  key: LogKey,
  now = new Date(),
): Promise<Checkpoint> {
  const state = await getLogState(db);
  return signCheckpoint(key, {
    log: LOG_NAME,
    size: state.size,
    rootHash: state.treeHead,
    time: now.toISOString(),
  });
}
