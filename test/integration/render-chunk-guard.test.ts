import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { prepareRunData } from '../../src/batch/run-data.ts';
import { createTemplateCache } from '../../src/batch/template-cache.ts';
import { createRenderChunkDeps } from '../../src/batch/workers/chunk-deps.ts';
import { processRenderChunk } from '../../src/batch/workers/render-chunk.ts';
import { SHIPPED_DATASOURCES_DIR } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { listRunFailures } from '../../src/store/run-failures.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, type TempStore } from '../support/stores.ts';

/**
 * Runs render through the guarded renderer (per-document caps, RELIABILITY B1): documents come out
 * as in-thread, and a document past its cap fails alone — the chunk finishes and every customer is
 * counted (here every document is over a 1 ms cap).
 */
describe('render chunks with per-document caps', () => {
  let temp: TempStore;
  let ids: string[];
  let versionId: string;

  beforeAll(async () => {
    temp = await openTempStore('chunk-guard');
    const customers = (await importBankCustomers(temp.store)).slice(0, 4);
    ids = customers.map((c) => c.id);
    await loadStatementFeeds(temp.store.db, customers, '2026-10-31');
    versionId = (await publishTemplatePackage(temp.store.db, 'templates/monthly-statement')).id;
  });
  afterAll(async () => temp?.close());

  const deps = (timeoutMs: number) =>
    createRenderChunkDeps(
      temp.store.db,
      createFsBlobStore(path.join(temp.dir, 'archive')),
      createLogger('silent'),
      { limits: { timeoutMs, maxHeapMb: 1024 } },
    );

  /** A run prepared as planning prepares it: its data source (the statement's feeds) fixed in its options. */
  async function run(id: string) {
    const { run } = await createRunIfAbsent(temp.store.db, {
      id,
      communicationType: 'monthly-statement',
      templateVersionId: versionId,
      asOf: '2026-10-31',
      source: 'test',
    });
    const template = await createTemplateCache(temp.store.db).get(versionId);
    await prepareRunData(temp.store.db, run, template, SHIPPED_DATASOURCES_DIR);
    return id;
  }

  it('archives every document rendered in the render thread', async () => {
    const runId = await run('run_guard_ok');
    const outcome = await processRenderChunk(deps(120_000), { runId, chunk: 0, customerIds: ids });
    expect(outcome).toMatchObject({ archived: 4, failed: 0 });
    const rows = await listCommunicationsForRun(temp.store.db, runId);
    expect(rows.every((r) => r.status === 'archived' && (r.pages ?? 0) > 0)).toBe(true);
  }, 120_000);

  it('fails each document past its time cap alone, with MSV_RENDER_TIMEOUT, and finishes the chunk', async () => {
    const runId = await run('run_guard_timeout');
    const outcome = await processRenderChunk(deps(1), { runId, chunk: 0, customerIds: ids });
    expect(outcome).toMatchObject({ archived: 0, failed: 4 });
    const failures = await listRunFailures(temp.store.db, runId);
    expect(failures.map((f) => f.code)).toEqual(ids.map(() => 'MSV_RENDER_TIMEOUT'));
  }, 120_000);
});
