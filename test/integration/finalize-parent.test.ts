import path from 'node:path';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import type { FinalizeRunJob } from '../../src/batch/queues.ts';
import { processFinalizeRun } from '../../src/batch/workers/finalize-worker.ts';
import { createLogger } from '../../src/core/logger.ts';
import {
  insertCommunicationIfAbsent,
  transitionCommunicationStatus,
} from '../../src/store/communications.ts';
import { getRun, type RunRecord, setRunTotal, transitionRunStatus } from '../../src/store/runs.ts';
import { createStatementRun, importBankCustomers, openTempStore, type TempStore } from '../support/stores.ts';

/**
 * The flow parent of one segment of a run: it stands down while other segments' customers are
 * undone (their parents come later), waits while only sends are under way, and closes a finished run.
 */
describe('the finalize parent of a run segment', () => {
  let temp: TempStore;
  let run: RunRecord;
  const delays: number[] = [];
  const job = () =>
    ({
      data: { runId: run.id, generation: run.generation },
      moveToDelayed: async (until: number) => void delays.push(until - Date.now()),
    }) as unknown as Job<FinalizeRunJob>;
  const finalize = async () => {
    const deps = {
      db: temp.store.db,
      blobs: createFsBlobStore(path.join(temp.dir, 'archive')),
      logger: createLogger('silent'),
    };
    try {
      return await processFinalizeRun(deps, job(), 'token', { recheckMs: 10 });
    } catch (err) {
      return (err as Error).name; // DelayedError: it waits
    }
  };
  const row = (customerId: string, channel: 'print' | 'email') =>
    insertCommunicationIfAbsent(temp.store.db, {
      runId: run.id,
      customerId,
      channel,
      templateVersionId: run.templateVersionId,
      status: 'archived',
      inputSha256: '',
    });

  beforeAll(async () => {
    temp = await openTempStore('finalize-parent');
    await importBankCustomers(temp.store);
    run = await createStatementRun(temp.store);
    await setRunTotal(temp.store.db, run.id, 3);
    await transitionRunStatus(temp.store.db, run.id, ['planning'], 'running');
  });
  afterAll(async () => {
    await temp.close();
  });

  it('stands down, then waits for sends, then closes the run', async () => {
    await row('1', 'print');
    await row('2', 'email');
    expect(await finalize()).toBe('other segments under way');
    expect(delays).toEqual([]); // no polling while other segments render
    const { id } = await row('3', 'print');
    expect(await finalize()).toBe('DelayedError'); // every customer done, one email unsent
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(5);
    const email = (await row('2', 'email')).id;
    expect(id).not.toBe(email);
    await transitionCommunicationStatus(temp.store.db, email, { from: ['archived'], to: 'sent' });
    expect(await finalize()).toBe('completed');
    expect((await getRun(temp.store.db, run.id))?.status).toBe('completed');
  });
});
