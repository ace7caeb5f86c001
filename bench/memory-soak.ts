/**
 * `node --import tsx bench/memory-soak.ts [documents]` (default 100,000): renders statements for
 * distinct customers (both locales, alternating) one after another in ONE process, and prints heap and
 * RSS every 5,000 documents. The print renderer's process-wide caches (word layouts, font subsets,
 * glyph metrics) are bounded; this shows memory levelling off rather than growing with the count.
 * Takes ~20–30 min for 100,000 on one core. Figures go in bench/README.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { renderPrint } from '../src/render/print.ts';
import { compileTemplate } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const total = Number(process.argv[2] ?? 100_000);
const every = 5_000;
const AS_OF = '2026-10-31';
// The statement reads the brand (colours, fonts, logo): the bank's, as a run has it.
const brand = testBrand('bank');
const template = compileTemplate(
  await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
);
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const start = performance.now();
let pages = 0;
console.log('| documents | heap used MB | RSS MB | docs/s so far |');
console.log('|---|---|---|---|');
for (let i = 1; i <= total; i += 1) {
  const customer = synthesizeIdentity(String(i));
  const data = await statementDataFor(
    { ...customer, traits: { balance: (i * 7919) % 20_000, job: 'admin.' } },
    AS_OF,
  );
  const artifact = await renderPrint(template, data, { asOf: AS_OF, locale: customer.locale, brand });
  pages += artifact.pages ?? 0;
  if (i % every === 0 || i === 1) {
    global.gc?.();
    const m = process.memoryUsage();
    const rate = i / ((performance.now() - start) / 1000);
    console.log(`| ${i} | ${mb(m.heapUsed)} | ${mb(m.rss)} | ${rate.toFixed(1)} |`);
  }
}
console.log(`\n${total} documents, ${pages} pages, ${((performance.now() - start) / 1000).toFixed(0)} s`);
