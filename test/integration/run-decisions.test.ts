import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommunication } from '../../src/archive/replay.ts';
import type { BatchDeps } from '../../src/batch/batch-deps.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import type { RunRequest } from '../../src/batch/run-request.ts';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import type { Decision } from '../../src/rules/decision.ts';
import { offerContentFor } from '../../src/rules/offer-content.ts';
import { publishCatalogDir } from '../../src/rules/publish.ts';
import { listCommunicationsForRun } from '../../src/store/communications.ts';
import { getCustomers } from '../../src/store/customers.ts';
import type { Store } from '../../src/store/db.ts';
import { getDecision } from '../../src/store/decisions.ts';
import { listTrackedLinks } from '../../src/store/tracked-links.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { loadStatementFeeds } from '../support/statement-feeds.ts';
import { importBankCustomers, openTempStore, type TempStore, testBatchDeps } from '../support/stores.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

/** With a published catalog, a run decides for every customer before making the document, and keeps it. */
describe('decisions inside a run', () => {
  let dir: string;
  let store: Store;
  let deps: BatchDeps;
  let request: RunRequest;
  let temp: TempStore;
  let batch: ReturnType<typeof testBatchDeps>;

  beforeAll(async () => {
    temp = await openTempStore('run-decisions');
    ({ dir, store } = temp);
    const customers = await importBankCustomers(
      store,
      path.join(root, 'test', 'fixtures', 'customers-bank-20.csv'),
    );
    await loadStatementFeeds(store.db, customers, '2026-10-31');
    await publishCatalogDir(store.db, path.join(root, 'catalogs', 'bank'), '2026-10-31');
    const template = await publishTemplatePackage(
      store.db,
      path.join(root, 'templates', 'monthly-statement'),
    );
    batch = testBatchDeps(store, dir, { chunkSize: 7, concurrency: 2 });
    deps = batch.deps;
    request = {
      communicationType: 'monthly-statement',
      templateVersionId: template.id,
      asOf: '2026-10-31',
      source: 'store:all',
    };
  });

  afterAll(async () => {
    await batch.close();
    await temp.close();
  });

  it('stores one decision per customer, with channel and reasons, and ends each customer in one state', async () => {
    const outcome = await executeRun(deps, request);
    const rows = await listCommunicationsForRun(store.db, outcome.runId);
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(['archived', 'suppressed']).toContain(row.status);
      const stored = await getDecision<{ channelReason: string; seed: string }>(
        store.db,
        outcome.runId,
        row.customerId,
      );
      expect(stored?.communicationType).toBe('monthly-statement');
      expect(stored?.decision.channelReason.length).toBeGreaterThan(0);
      if (row.status === 'suppressed') expect(row.reason).toBeTruthy();
    }
  });

  it('reuses the stored decisions when the run is asked for again', async () => {
    const runId = (await executeRun(deps, request)).runId;
    const rows = await listCommunicationsForRun(store.db, runId);
    const before = await Promise.all(rows.map((r) => getDecision(store.db, runId, r.customerId)));
    await executeRun(deps, request);
    const after = await Promise.all(rows.map((r) => getDecision(store.db, runId, r.customerId)));
    expect(after).toEqual(before);
  });

  it('prints the chosen offers in the statement, and no offer section for holdout customers', async () => {
    const runId = (await executeRun(deps, request)).runId;
    const catalog = await loadCatalogDirOrThrow(path.join(root, 'catalogs', 'bank'));
    // Paper statements (e-delivery customers' statements went out as email).
    const rows = (await listCommunicationsForRun(store.db, runId)).filter(
      (r) => r.status === 'archived' && r.channel === 'print',
    );
    const customers = new Map(
      (
        await getCustomers(
          store.db,
          rows.map((r) => r.customerId),
        )
      ).map((c) => [c.id, c]),
    );
    const textOf = async (sha256: string) => {
      const file = path.join(dir, `${sha256}.pdf`);
      fs.writeFileSync(file, await deps.blobs.get(sha256));
      return execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    };
    let withOffers = 0;
    let holdouts = 0;
    for (const row of rows) {
      const decision = (await getDecision<Decision>(store.db, runId, row.customerId))?.decision;
      const customer = customers.get(row.customerId);
      if (!decision || !customer || !row.artifactSha256) continue;
      const offers = offerContentFor(decision, catalog, customer.locale, 'print');
      const text = await textOf(row.artifactSha256);
      if (decision.holdout) {
        holdouts += 1;
        for (const offer of catalog.offers) {
          const headline = offer.content.print?.[customer.locale]?.headline;
          if (headline) expect(text).not.toContain(headline);
        }
      } else if (offers.length > 0) {
        withOffers += 1;
        expect(offers.length).toBeLessThanOrEqual(2);
        for (const offer of offers) expect(text).toContain(offer.headline);
      }
    }
    expect(withOffers).toBeGreaterThan(0);
    expect(holdouts).toBeGreaterThan(0);
  });

  it("prints each offer's QR code as its short tracked link, in the link table, proved by replay", async () => {
    const runId = (await executeRun(deps, request)).runId;
    const rows = (await listCommunicationsForRun(store.db, runId)).filter(
      (r) => r.status === 'archived' && r.channel === 'print',
    );
    let checked = 0;
    for (const row of rows) {
      const decision = (await getDecision<Decision>(store.db, runId, row.customerId))?.decision;
      if (!decision || decision.holdout || decision.offers.length === 0 || !row.artifactSha256) continue;
      const file = path.join(dir, `qr-${row.artifactSha256}.pdf`);
      fs.writeFileSync(file, await deps.blobs.get(row.artifactSha256));
      execFileSync('pdftoppm', ['-r', '200', '-png', file, file]);
      const pages = fs.readdirSync(dir).filter((f) => f.startsWith(`qr-${row.artifactSha256}.pdf-`));
      const scanned = pages.flatMap((page) => {
        try {
          return execFileSync('zbarimg', [
            '-q',
            '--raw',
            '-Sdisable',
            '-Sqrcode.enable',
            path.join(dir, page),
          ])
            .toString()
            .trim()
            .split('\n');
        } catch {
          return []; // a page without a QR code
        }
      });
      const links = await listTrackedLinks(store.db, row.id);
      expect(scanned.length, row.customerId).toBe(decision.offers.length);
      for (const url of scanned) {
        const code = /^https:\/\/track\.test\/t\/([0-9A-Za-z]{10})$/.exec(url)?.[1];
        expect(code, url).toBeDefined();
        const link = links.find((l) => l.code === code);
        expect(link?.purpose).toBe('click');
        expect(decision.offers.map((o) => o.offerId)).toContain(link?.offerId);
      }
      const replay = await verifyCommunication({ db: store.db, blobs: deps.blobs }, row.id);
      expect(replay.ok, replay.difference).toBe(true);
      expect(replay.warnings).toEqual([]);
      checked += 1;
      if (checked === 3) break;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
