/**
 * Print stream assembly, one process, one core: documents/s put into a print file.
 *   missive:   assembleStream — parse each archived PDF, copy its pages, blank backs for duplex, a
 *              DataMatrix (bwip-js, vector) on the front of every sheet, save with fixed dates.
 *   reference: bare pdf-lib — parse and copy the same PDFs' pages into one file and save: the floor
 *              for any pdf-lib-based assembler.
 * Distinct statements are rendered once (BENCH_PRINT_DISTINCT, default 40) and reused; the file
 * holds BENCH_PRINT_DOCS documents (default 1,000). `node --import tsx bench/print-stream.ts` runs it alone.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { assembleStream } from '../src/channels/print-stream/assemble-stream.ts';
import { createDataMatrixMark } from '../src/channels/print-stream/datamatrix-mark.ts';
import { groupEnvelopes } from '../src/channels/print-stream/envelopes.ts';
import type { PrintEntry } from '../src/channels/print-stream/print-entry.ts';
import type { Artifact } from '../src/core/types.ts';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { renderPrint } from '../src/render/print.ts';
import { compileTemplate } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = Number(process.env.BENCH_PRINT_DOCS ?? 1000);
const DISTINCT = Number(process.env.BENCH_PRINT_DISTINCT ?? 40);
const AS_OF = '2026-10-31';

interface Row {
  name: string;
  missive: number;
  reference: number;
  unit: string;
}

async function statements(): Promise<Artifact[]> {
  // The statement reads the brand (colours, fonts, logo): the bank's, as a run has it.
  const brand = testBrand('bank');
  const template = compileTemplate(
    await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
  );
  const out: Artifact[] = [];
  for (let i = 1; i <= DISTINCT; i += 1) {
    const c = { ...synthesizeIdentity(String(i)), traits: { balance: i * 311 } };
    out.push(
      await renderPrint(template, await statementDataFor(c, AS_OF), { asOf: AS_OF, locale: c.locale, brand }),
    );
  }
  return out;
}

async function assembleMissive(docs: Artifact[], n: number): Promise<void> {
  const entries: PrintEntry[] = Array.from({ length: n }, (_, i) => ({
    communicationId: `com_${i}`,
    customerId: String(i),
    sha256: String(i % DISTINCT),
    pages: docs[i % DISTINCT]!.pages!,
    address: { lines: ['1 High Street'], postalCode: 'YO1 8BZ', city: 'York', country: 'GB' },
  }));
  await assembleStream({
    runId: 'run_bench0000',
    asOf: AS_OF,
    title: 'bench',
    envelopes: groupEnvelopes(entries, { duplex: true, maxSheets: 10 }),
    duplex: true,
    mark: createDataMatrixMark(),
    load: async (e) => docs[Number(e.sha256)]!.bytes,
  });
}

async function assembleBare(docs: Artifact[], n: number): Promise<void> {
  const out = await PDFDocument.create({ updateMetadata: false });
  for (let i = 0; i < n; i += 1) {
    const src = await PDFDocument.load(docs[i % DISTINCT]!.bytes, { updateMetadata: false });
    for (const page of await out.copyPages(src, src.getPageIndices())) out.addPage(page);
  }
  await out.save({ objectsPerTick: Number.POSITIVE_INFINITY });
}

async function rate(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return DOCS / ((performance.now() - start) / 1000);
}

export async function benchPrintStream(): Promise<Row> {
  const docs = await statements();
  await assembleMissive(docs, 100); // warm both: JIT, bwip-js tables
  await assembleBare(docs, 100);
  const missive = await rate(() => assembleMissive(docs, DOCS));
  const reference = await rate(() => assembleBare(docs, DOCS));
  return {
    name: `print stream, ${DOCS} statements (duplex, DataMatrix)`,
    missive,
    reference,
    unit: 'docs/s',
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchPrintStream();
  console.log(
    `${r.name}: ${r.missive.toFixed(1)} ${r.unit}, bare pdf-lib ${r.reference.toFixed(1)} ${r.unit}, ratio ${(r.missive / r.reference).toFixed(2)}`,
  );
}
