import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeIdentity } from '../../src/customers/synthetic-identity.ts';
import { createGuardedRenderer, type TemplateSource } from '../../src/render/guard/guarded-renderer.ts';
import { renderPrint } from '../../src/render/print.ts';
import { compileTemplate } from '../../src/templates/compile.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import type { DocumentData } from '../../src/templates/types.ts';
import { statementDataFor } from '../support/statement-feeds.ts';
import { testBrand, testBrandSource } from '../support/test-brand.ts';

/**
 * RELIABILITY B1: a document that hangs or explodes in memory is stopped by its time or heap cap and
 * fails alone; the next document renders, with the same bytes as a render in the main thread.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const AS_OF = '2026-10-31';
const customer = synthesizeIdentity('3');
const options = { asOf: AS_OF, locale: customer.locale, brand: testBrandSource('bank') };
const data = await statementDataFor({ ...customer, traits: { balance: 100, job: 'admin.' } }, AS_OF);

function withTransactions(count: number): DocumentData {
  const base = (data as { transactions: object[] }).transactions;
  return { ...data, transactions: Array.from({ length: count }, (_, i) => ({ ...base[i % base.length] })) };
}

async function statement(): Promise<TemplateSource> {
  const pkg = await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement'));
  return { versionId: pkg.sha256, name: pkg.name, files: pkg.files };
}

const renderers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(renderers.map((r) => r.close()));
});

describe('guarded renderer (per-document time and heap caps)', () => {
  it('renders the bytes the main thread renders, and reports template errors with their code', async () => {
    const source = await statement();
    const guarded = createGuardedRenderer({ timeoutMs: 60_000, maxHeapMb: 1024 });
    renderers.push(guarded);
    const expected = await renderPrint(
      compileTemplate(await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement'))),
      data,
      { ...options, brand: testBrand('bank') },
    );
    const { artifact } = await guarded.render(source, 'print', data, options);
    expect(artifact.sha256).toBe(expected.sha256);
    expect(Buffer.from(artifact.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
    await expect(guarded.render(source, 'print', { customer: {} }, options)).rejects.toMatchObject({
      code: 'MSV_RENDER_DATA_INVALID',
    });
    expect(guarded.threadsStarted).toBe(1);
  }, 120_000);

  it('stops a document past its time cap; the next one renders in a fresh thread', async () => {
    const source = await statement();
    const guarded = createGuardedRenderer({ timeoutMs: 3_000, maxHeapMb: 1024 });
    renderers.push(guarded);
    await guarded.render(source, 'print', data, options); // thread started, template compiled
    await expect(guarded.render(source, 'print', withTransactions(60_000), options)).rejects.toMatchObject({
      code: 'MSV_RENDER_TIMEOUT',
    });
    const after = await guarded.render(source, 'print', data, options);
    expect(after.artifact.pages).toBeGreaterThan(0);
    expect(guarded.threadsStarted).toBe(2);
  }, 120_000);

  it('stops a document past its heap cap; the next one renders', async () => {
    const source = await statement();
    const guarded = createGuardedRenderer({ timeoutMs: 300_000, maxHeapMb: 128 });
    renderers.push(guarded);
    const before = await guarded.render(source, 'print', data, options);
    await expect(guarded.render(source, 'print', withTransactions(60_000), options)).rejects.toMatchObject({
      code: 'MSV_RENDER_MEMORY',
    });
    const after = await guarded.render(source, 'print', data, options);
    expect(after.artifact.sha256).toBe(before.artifact.sha256);
    expect(guarded.threadsStarted).toBe(2);
  }, 300_000);
});
