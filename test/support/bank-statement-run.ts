import path from 'node:path';
import { executeRun } from '../../src/batch/execute-run.ts';
import type { Customer } from '../../src/core/types.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { type CommunicationRecord, listCommunicationsForRun } from '../../src/store/communications.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from './statement-feeds.ts';
import { importBankCustomers, ROOT, type TempStore, testBatchDeps } from './stores.ts';

export const BANK_20 = path.join(ROOT, 'test', 'fixtures', 'customers-bank-20.csv');

/**
 * A real monthly-statement run of the shipped bank catalog and template over the 20 fixture bank
 * customers, from their loaded statement feeds (as of 2026-10-31): every ledger row it made, and
 * the run's deps (their blob store holds the archive) — closed, so only the store stays open.
 */
export async function runBankStatements(temp: TempStore): Promise<{
  customers: Customer[];
  rows: CommunicationRecord[];
  deps: ReturnType<typeof testBatchDeps>['deps'];
}> {
  const { store } = temp;
  const customers = await importBankCustomers(store, BANK_20);
  await publishCatalogDir(store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-10-31');
  await loadStatementFeeds(store.db, customers, '2026-10-31');
  const template = await publishTemplatePackage(store.db, 'templates/monthly-statement');
  const batch = testBatchDeps(store, temp.dir, { chunkSize: 10, concurrency: 1 });
  try {
    const outcome = await executeRun(batch.deps, {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf: '2026-10-31',
      source: 'store:all',
    });
    return { customers, rows: await listCommunicationsForRun(store.db, outcome.runId), deps: batch.deps };
  } finally {
    await batch.close();
  }
}
