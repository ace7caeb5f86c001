import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { executeRun } from '../../src/batch/execute-run.ts';
import { resolveRun } from '../../src/batch/resolve-run.ts';
import { importCustomers } from '../../src/customers/import.ts';
import { decideForCustomer, publishCatalogDir } from '../../src/rules/publish.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { openStoreAt, type Store, type StoreLocation } from '../../src/store/db.ts';
import { publishTemplatePackage } from '../../src/templates/publish.ts';
import { bearer, seedUsers } from '../support/api.ts';
import { ROOT, testBatchDeps } from '../support/stores.ts';

const TELECOM = path.join(ROOT, 'catalogs', 'telecom');

/**
 * Issue 16 item 6: a run names a communication type of the published catalog, and the type names
 * its template. With the telecom catalog, `upsell-promotion` renders cross-sell-promotion with
 * decisions; `cross-sell-promotion` (a template, not a type) is refused, as by `decide`, the same way.
 */
describe.each(['sqlite', 'postgres'] as const)('one name for what is run, on %s', (dialect) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missive-run-type-'));
  const schema = `run_type_${randomUUID().replaceAll('-', '')}`;
  let store: Store;

  beforeAll(async () => {
    const location: StoreLocation =
      dialect === 'sqlite'
        ? { sqlitePath: path.join(dir, 'missive.sqlite') }
        : { databaseUrl: inject('databaseUrl'), schema, poolSize: 4 };
    store = await openStoreAt(location);
    await importCustomers({
      file: path.join(TELECOM, 'sample-customers.csv'),
      mapping: path.join(TELECOM, 'mapping.json'),
      sink: (batch) => upsertCustomers(store.db, batch),
    });
    await publishCatalogDir(store.db, TELECOM, '2026-10-31');
    for (const name of ['cross-sell-promotion', 'monthly-statement'])
      await publishTemplatePackage(store.db, path.join(ROOT, 'templates', name));
  });

  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    }
  });

  it('refuses a template name where a type is meant, in run and decide alike, and suggests a slip', async () => {
    const refusal =
      /"cross-sell-promotion" is not a communication type of catalog telecom: it is the template of upsell-promotion — use upsell-promotion\. Known: monthly-bill \(template telecom-bill\), upsell-promotion \(template cross-sell-promotion\), monthly-statement \(service document\)\./;
    await expect(resolveRun(store.db, 'cross-sell-promotion')).rejects.toMatchObject({
      code: 'MSV_RULES_UNKNOWN_TYPE',
      message: expect.stringMatching(refusal),
    });
    const customerId = 'T0001';
    const ask = (type: string) =>
      decideForCustomer(store.db, { customerId, asOf: '2026-10-31', now: '2026-11-02T10:00:00Z', type });
    await expect(ask('cross-sell-promotion')).rejects.toMatchObject({
      code: 'MSV_RULES_UNKNOWN_TYPE',
      message: expect.stringMatching(refusal),
    });
    await expect(ask('monthly-statement')).rejects.toThrow(/runs as a service document, without decisions/);
    await expect(resolveRun(store.db, 'upsel-promotion')).rejects.toThrow(/Did you mean upsell-promotion\?$/);
    // A type whose template has no published version says which template to publish.
    await expect(resolveRun(store.db, 'monthly-bill')).rejects.toMatchObject({
      code: 'MSV_TEMPLATE_NOT_FOUND',
      message: expect.stringContaining('monthly-bill renders template telecom-bill: no published version'),
    });
  });

  it('runs a type with the template it names and decides with that type; a service document resolves without', async () => {
    const resolved = await resolveRun(store.db, 'upsell-promotion');
    expect(resolved.runType).toMatchObject({ kind: 'catalog', template: 'cross-sell-promotion' });
    expect(resolved.templateVersion.templateName).toBe('cross-sell-promotion');
    expect(resolved.missingChannels).toEqual([]);
    const service = await resolveRun(store.db, 'monthly-statement');
    expect(service.runType.kind).toBe('service-document');

    const batch = testBatchDeps(store, dir, { chunkSize: 50, concurrency: 2 });
    try {
      const outcome = await executeRun(batch.deps, {
        communicationType: 'upsell-promotion',
        templateVersionId: resolved.templateVersion.id,
        asOf: '2026-10-31',
        source: 'store:all',
      });
      expect(outcome.status).toBe('completed');
      const decisions = await store.db
        .selectFrom('decisions')
        .select(['communication_type'])
        .where('run_id', '=', outcome.runId)
        .execute();
      expect(decisions.length).toBe(outcome.progress.total);
      expect(new Set(decisions.map((d) => d.communication_type))).toEqual(new Set(['upsell-promotion']));
      const archived = await store.db
        .selectFrom('communications')
        .select(['template_version_id', 'status'])
        .where('run_id', '=', outcome.runId)
        .where('status', 'not in', ['suppressed', 'failed'])
        .execute();
      expect(archived.length).toBeGreaterThan(0);
      expect(archived.every((c) => c.template_version_id === resolved.templateVersion.id)).toBe(true);
    } finally {
      await batch.close();
    }
  });

  it('POST /api/runs agrees: the type runs, the template name is refused with the same message', async () => {
    const tokens = await seedUsers(store.db);
    const app = buildApp({
      db: store.db,
      blobs: testBatchDeps(store, dir, { chunkSize: 1, concurrency: 1 }).deps.blobs,
    });
    try {
      const post = (type: string) =>
        app.inject({
          method: 'POST',
          url: '/api/runs',
          headers: bearer(tokens.marketer),
          payload: { type, asOf: '2026-09-30' },
        });
      const created = await post('upsell-promotion');
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        run: {
          communicationType: 'upsell-promotion',
          templateVersionId: expect.stringMatching(/^cross-sell-promotion@/),
        },
      });
      const refused = await post('cross-sell-promotion');
      expect(refused.statusCode).toBe(404);
      expect(refused.json()).toMatchObject({
        error: { code: 'MSV_RULES_UNKNOWN_TYPE', message: expect.stringContaining('use upsell-promotion') },
      });
    } finally {
      await app.close();
    }
  });
});
