import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore } from '../../src/archive/fs-blob-store.ts';
import { prepareRunData } from '../../src/batch/run-data.ts';
import { createTemplateCache } from '../../src/batch/template-cache.ts';
import { createRenderChunkDeps } from '../../src/batch/workers/chunk-deps.ts';
import { processRenderChunk } from '../../src/batch/workers/render-chunk.ts';
import { buildPrintStreams } from '../../src/channels/print-stream/build-print-streams.ts';
import { printStreamOptions } from '../../src/channels/print-stream/options.ts';
import { SHIPPED_DATASOURCES_DIR } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Customer } from '../../src/core/types.ts';
import { recordPrintedExposures, syncModel } from '../../src/feedback/model-stats.ts';
import { DEFAULT_SUCCESS_RULES } from '../../src/feedback/success.ts';
import { recordTrackingEvent } from '../../src/feedback/tracking-events.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { listRunDecisions } from '../../src/store/decisions.ts';
import { loadModelStats } from '../../src/store/model-stats.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import { listTrackedLinks } from '../../src/store/tracked-links.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { HUMAN } from '../support/received-messages.ts';
import {
  importBankCustomers,
  openTempStore,
  ROOT,
  TEST_TRACKING_KEY,
  type TempStore,
} from '../support/stores.ts';

/**
 * A letter is exposed when it is printed, as an e-mail is when sent: its offers' exposures are
 * counted when the run's print files are made (buildPrintStreams → onPrinted), and `missive model
 * update` catches up letters printed without the hook. Before, a letter counted an exposure only
 * when its QR code was scanned — every counted letter was a success.
 */
describe('letters count as exposures when printed, and a QR scan as a success of that exposure', () => {
  let temp: TempStore;
  let runId: string;
  const logger = createLogger('silent');
  const totals = async () => {
    const rows = await loadModelStats(temp.store.db);
    return {
      exposures: rows.reduce((n, r) => n + r.exposures, 0),
      successes: rows.reduce((n, r) => n + r.successes, 0),
    };
  };
  const streams = (onPrinted?: (ids: readonly string[]) => Promise<void>) =>
    buildPrintStreams(
      { db: temp.store.db, blobs: createFsBlobStore(path.join(temp.dir, 'archive')), logger, onPrinted },
      { runId, options: printStreamOptions({}), outDir: path.join(temp.dir, 'print') },
    );
  /** Treated letters' placed offers: what must count as exposures once printed. */
  let expected = 0;

  beforeAll(async () => {
    temp = await openTempStore('letter-exposures');
    const paperOnly = (c: Customer): Customer => ({
      ...c,
      consent: {
        print: { service: true, marketing: true },
        email: { service: true, marketing: false },
        sms: { service: true, marketing: false },
      },
    });
    const customers = (await importBankCustomers(temp.store)).slice(0, 40).map(paperOnly);
    await upsertCustomers(temp.store.db, customers);
    const template = await publishTemplatePackage(
      temp.store.db,
      path.join(ROOT, 'templates', 'cross-sell-promotion'),
    );
    await publishCatalogDir(temp.store.db, path.join(ROOT, 'catalogs', 'bank'), '2026-11-02');
    const { run } = await createRunIfAbsent(temp.store.db, {
      id: 'run_letters',
      communicationType: 'cross-sell-promotion',
      templateVersionId: template.id,
      asOf: '2026-11-02',
      source: 'test',
    });
    runId = run.id;
    await prepareRunData(
      temp.store.db,
      run,
      await createTemplateCache(temp.store.db).get(template.id),
      SHIPPED_DATASOURCES_DIR,
    );
    const deps = createRenderChunkDeps(
      temp.store.db,
      createFsBlobStore(path.join(temp.dir, 'archive')),
      logger,
      {
        tracking: { baseUrl: 'https://track.test', ttlDays: 180, key: () => TEST_TRACKING_KEY },
      },
    );
    await processRenderChunk(deps, { runId, chunk: 0, customerIds: customers.map((c) => c.id) });
    const letters = await listCommunicationsForRun(temp.store.db, runId, { statuses: ['archived'] });
    expect(letters.length).toBeGreaterThan(10);
    expect(letters.every((l) => l.channel === 'print')).toBe(true);
    const decisions = await listRunDecisions<{ holdout: boolean; offers: unknown[] }>(
      temp.store.db,
      runId,
      letters.map((l) => l.customerId),
    );
    for (const l of letters) {
      const d = decisions.get(l.customerId)?.decision;
      if (d && !d.holdout) expected += d.offers.length;
    }
    expect(expected).toBeGreaterThan(10);
  }, 120_000);
  afterAll(async () => temp?.close());

  it('a rendered letter that was not printed is no exposure; `model update` catches up printed ones', async () => {
    expect(await syncModel(temp.store.db, DEFAULT_SUCCESS_RULES)).toMatchObject({ exposures: 0 });
    // Print files made without the hook (as before this version): the catch-up counts them.
    await streams();
    expect(await syncModel(temp.store.db, DEFAULT_SUCCESS_RULES)).toMatchObject({ exposures: expected });
    expect(await totals()).toEqual({ exposures: expected, successes: 0 });
  }, 60_000);

  it('print files made again count nothing twice; the hook counts letters once', async () => {
    const printed: string[] = [];
    const outcome = await streams(async (ids) => {
      printed.push(...ids);
      expect(await recordPrintedExposures(temp.store.db, ids)).toBe(0);
    });
    expect(printed).toHaveLength(outcome.totals.documents);
    expect(await totals()).toEqual({ exposures: expected, successes: 0 });
  }, 60_000);

  it("a scanned QR code is a success of the letter's exposure, not a new exposure", async () => {
    const letters = await listCommunicationsForRun(temp.store.db, runId, { channels: ['print'] });
    let link: Awaited<ReturnType<typeof listTrackedLinks>>[number] | undefined;
    for (const l of letters) {
      link ??= (await listTrackedLinks(temp.store.db, l.id)).find((t) => t.offerId !== null);
    }
    expect(link).toBeDefined();
    if (!link) return;
    const result = await recordTrackingEvent(
      temp.store.db,
      {
        purpose: 'click',
        communicationId: link.communicationId,
        offerId: link.offerId,
        target: link.target,
        expiresAt: Date.parse(link.expiresAt) / 1000,
      },
      { token: link.code, method: 'GET', userAgent: HUMAN, nowMs: Date.now() },
      DEFAULT_SUCCESS_RULES,
    );
    expect(result).toMatchObject({ recorded: true, success: true, machine: false });
    expect(await totals()).toEqual({ exposures: expected, successes: 1 });
  });
});
