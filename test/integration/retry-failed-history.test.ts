import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryFailed } from '../../src/batch/run-control.ts';
import {
  getCommunication,
  insertCommunicationIfAbsent,
  listCommunicationStatusHistory,
} from '../../src/store/communications.ts';
import { listRunFailures, recordRunFailure } from '../../src/store/run-failures.ts';
import { type RunRecord, setRunTotal, transitionRunStatus } from '../../src/store/runs.ts';
import { createStatementRun, importBankCustomers, openTempStore, type TempStore } from '../support/stores.ts';

/**
 * retry-failed writes the ledger only through the store's state machine (issue 23 item 2): a send
 * given up goes back to `archived`, a failed fallback print back to `pending`, each with one history
 * entry (reason `retry-failed`, no code); a render failure is forgotten with its history and failure
 * entry; a bounce is left alone.
 */
describe('retry-failed and the ledger history', () => {
  let temp: TempStore;
  let run: RunRecord;
  const row = (
    customerId: string,
    channel: 'print' | 'email',
    reason: string,
    extra: { artifactSha256?: string; fallbackOf?: string } = {},
  ) =>
    insertCommunicationIfAbsent(temp.store.db, {
      runId: run.id,
      customerId,
      channel,
      templateVersionId: run.templateVersionId,
      status: 'failed',
      reason,
      inputSha256: '',
      ...extra,
    });

  beforeAll(async () => {
    temp = await openTempStore('retry-failed-history');
    await importBankCustomers(temp.store);
    run = await createStatementRun(temp.store);
    await setRunTotal(temp.store.db, run.id, 4);
    await transitionRunStatus(temp.store.db, run.id, ['planning'], 'running');
    await transitionRunStatus(temp.store.db, run.id, ['running'], 'completed');
  });
  afterAll(async () => {
    await temp.close();
  });

  it('reopens given-up sends and failed fallback prints with one history entry each', async () => {
    const sha = 'a'.repeat(64);
    const givenUp = await row('1', 'email', 'gave up after 5 attempts', { artifactSha256: sha });
    const bounced = await row('2', 'email', 'unreachable: 550 no such user', { artifactSha256: sha });
    const fallback = await row('2', 'print', 'fallback print: no template', { fallbackOf: bounced.id });
    const renderFailed = await row('3', 'print', 'render failed');
    await recordRunFailure(temp.store.db, {
      runId: run.id,
      customerId: '3',
      stage: 'render',
      code: 'MSV_RENDER_FAILED',
      reason: 'render failed',
    });

    const result = await retryFailed(temp.store.db, run.id);
    expect(result).toMatchObject({ rerender: 1, resend: 1, refallback: 1 });
    expect(result.run.status).toBe('planning');

    const last = async (id: string) => (await listCommunicationStatusHistory(temp.store.db, id)).slice(1);
    expect((await getCommunication(temp.store.db, givenUp.id))?.status).toBe('archived');
    expect(await last(givenUp.id)).toMatchObject([
      { status: 'archived', reason: 'retry-failed', code: null },
    ]);
    expect((await getCommunication(temp.store.db, fallback.id))?.status).toBe('pending');
    expect(await last(fallback.id)).toMatchObject([
      { status: 'pending', reason: 'retry-failed', code: null },
    ]);
    expect((await getCommunication(temp.store.db, bounced.id))?.status).toBe('failed');
    expect(await last(bounced.id)).toEqual([]);
    expect(await getCommunication(temp.store.db, renderFailed.id)).toBeUndefined();
    expect(await listCommunicationStatusHistory(temp.store.db, renderFailed.id)).toEqual([]);
    expect((await listRunFailures(temp.store.db, run.id)).filter((f) => f.stage === 'render')).toEqual([]);
  });
});
