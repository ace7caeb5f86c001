import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIPPED_BRANDS_DIR } from '../core/config.ts';
import { loadStoredBrand } from './brand-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { brandNameFor, createRunBrands } from './run-brand.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'run-brand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settings = { dir: SHIPPED_BRANDS_DIR, defaultBrand: 'bank' };

describe('the brand of a run', () => {
  const telco = { brand: 'telco', communicationTypes: { 'cross-sell-promotion': {}, 'telecom-bill': {} } };
  it("is the catalog's brand for the catalog's types, else the default brand", () => {
    expect(brandNameFor({ communicationType: 'cross-sell-promotion' }, telco as never, settings)).toBe(
      'telco',
    );
    expect(brandNameFor({ communicationType: 'monthly-statement' }, telco as never, settings)).toBe('bank');
    expect(brandNameFor({ communicationType: 'telecom-bill' }, undefined, settings)).toBe('bank');
    const unbranded = { communicationTypes: { 'cross-sell-promotion': {} } };
    expect(brandNameFor({ communicationType: 'cross-sell-promotion' }, unbranded as never, settings)).toBe(
      'bank',
    );
  });

  it('is stored in the blob store before use, under its sha256, and read back verified', async () => {
    const blobs = createFsBlobStore(dir);
    const brands = createRunBrands(blobs, settings);
    const run = await brands.forRun({ communicationType: 'cross-sell-promotion' }, telco as never);
    expect(run.ref).toEqual({ id: 'telco', sha256: run.source.sha256 });
    expect(await blobs.has(run.ref.sha256)).toBe(true);
    expect((await loadStoredBrand(blobs, run.ref)).files).toEqual(run.source.files);
    expect(await brands.forRun({ communicationType: 'cross-sell-promotion' }, telco as never)).toBe(run);
    await expect(loadStoredBrand(blobs, { id: 'bank', sha256: run.ref.sha256 })).rejects.toMatchObject({
      code: 'MSV_ARCHIVE_TAMPERED',
    });
  });

  it('names the known brands when the catalog names one that does not exist', async () => {
    const brands = createRunBrands(createFsBlobStore(dir), settings);
    await expect(
      brands.forRun({ communicationType: 'x' }, { brand: 'nope', communicationTypes: { x: {} } } as never),
    ).rejects.toMatchObject({ code: 'MSV_BRAND_NOT_FOUND', message: expect.stringContaining('bank, telco') });
  });

  it("says a run's pinned brand is missing from this process's archive, not only a sha256", async () => {
    const planner = createRunBrands(createFsBlobStore(dir), settings);
    const { ref } = await planner.forRun({ communicationType: 'monthly-statement' }, undefined);
    const elsewhere = createFsBlobStore(mkdtempSync(path.join(dir, 'other-archive-')));
    const worker = createRunBrands(elsewhere, settings);
    const run = { id: 'run-1', communicationType: 'monthly-statement', options: { brand: ref } };
    await expect(worker.forRun(run as never, undefined)).rejects.toMatchObject({
      code: 'MSV_ARCHIVE_NOT_FOUND',
      details: { runId: 'run-1' },
      message: expect.stringMatching(/brand bank .* pinned on run run-1 .* the planner's archive/),
    });
  });
});
