/**
 * `npm run bench`: Missive's throughput against a reference measured in the same run, on this machine.
 *   render: the monthly statement through the template engine vs the same content hand-drawn with raw
 *           pdfkit (same fonts, created once) — the floor any pdfkit-based layout engine pays; and
 *           tagged vs untagged, as a batch renders (bench/tagging-throughput.ts, issue 22).
 *   import: bank-full.csv through the import stage (mapping, validation, synthetic identities) vs a
 *           bare csv-parse of the same file.
 *   scaling: 1 and 2 render threads, and 1 and 2 `missive worker` processes on shared Redis and PostgreSQL (bench/scaling.ts).
 *   startup: `missive --version` and `missive customers show ID` vs `node -e 0` (bench/startup.ts).
 * Prints a table and writes bench/out/latest.json. Figures go in bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import type { Customer } from '../src/core/types.ts';
import { importCustomers } from '../src/customers/import.ts';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { renderPrint } from '../src/render/print.ts';
import { type CompiledTemplate, compileTemplate } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import { statementDataFor } from '../test/support/statement-feeds.ts';
import { testBrand } from '../test/support/test-brand.ts';
import { benchDecide } from './decide.ts';
import { benchEmailSms } from './email-sms.ts';
import { benchEndToEnd, type EndToEndFigures } from './end-to-end.ts';
import { benchFeedsLoad, type FeedLoadFigures, printFeedsLoad } from './feeds-load.ts';
import { benchLookup, printLookup } from './lookup.ts';
import { benchPrintStream } from './print-stream.ts';
import { benchScaling, printScaling, type ScalingFigures } from './scaling.ts';
import { benchSimulate } from './simulate.ts';
import { benchStartup, printStartup } from './startup.ts';
import { drawStatementByHand } from './statement-by-hand.ts';
import { CHROMIUM, openChromiumReference } from './statement-chromium.ts';
import { describeTaggingThroughput, measureTaggingThroughput } from './tagging-throughput.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BANK = path.resolve(root, '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv');
const DOCS = Number(process.env.BENCH_DOCS ?? 200);
const CHROMIUM_DOCS = Number(process.env.BENCH_CHROMIUM_DOCS ?? 40);
/** Pairs per process of the tagging throughput measure (two processes per locale). */
const TAGGING_DOCS = Number(process.env.BENCH_TAGGING_DOCS ?? 300);
const AS_OF = '2026-10-31';

interface Row {
  name: string;
  missive: number;
  reference: number;
  unit: string;
}

function customersOf(locale: 'zh-CN' | 'en-GB', n: number): Customer[] {
  const out: Customer[] = [];
  for (let i = 1; out.length < n; i += 1) {
    const c = synthesizeIdentity(String(i));
    if (c.locale === locale) out.push({ ...c, traits: { balance: (i * 7919) % 20_000, job: 'technician' } });
  }
  return out;
}

async function rate(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(0); // warm: fonts, JIT
  const start = performance.now();
  for (let i = 0; i < n; i += 1) await fn(i);
  return n / ((performance.now() - start) / 1000);
}

/**
 * Rates measured interleaved, in rounds of `round` items per side, so that load from other processes
 * on a shared machine falls on every side alike and the ratios stay meaningful.
 */
async function interleavedRatesOf(
  n: number,
  sides: readonly ((i: number) => Promise<unknown>)[],
  round = 10,
): Promise<number[]> {
  for (const side of sides) await side(0);
  const took = sides.map(() => 0);
  for (let done = 0; done < n; done += round) {
    const count = Math.min(round, n - done);
    for (const [k, side] of sides.entries()) {
      const start = performance.now();
      for (let i = done; i < done + count; i += 1) await side(i);
      took[k]! += performance.now() - start;
    }
  }
  return took.map((ms) => n / (ms / 1000));
}

/** The same template with tagging off (`document.tagged: false`): what the statement cost before PDF/UA. */
function untagged(template: CompiledTemplate): CompiledTemplate {
  const print = template.print!;
  return { ...template, print: { ...print, document: { ...print.document, tagged: false } } };
}

async function benchRender(locale: 'zh-CN' | 'en-GB'): Promise<Row[]> {
  const template = compileTemplate(
    await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
  );
  const plain = untagged(template);
  const brand = testBrand('bank');
  // The example bank's months (8–60 bookings), assembled by the monthly-statement data source.
  const data = await Promise.all(customersOf(locale, DOCS).map((c) => statementDataFor(c, AS_OF)));
  // Three sides interleaved: the shipped (tagged) statement, the same untagged, the hand-drawn one.
  const [missive = 0, withoutTags = 0, reference = 0] = await interleavedRatesOf(DOCS, [
    (i) => renderPrint(template, data[i % DOCS]!, { asOf: AS_OF, locale, brand }),
    (i) => renderPrint(plain, data[i % DOCS]!, { asOf: AS_OF, locale, brand }),
    (i) => drawStatementByHand(root, data[i % DOCS]!, locale),
  ]);
  const rows: Row[] = [
    { name: `render statement ${locale} (tagged) vs hand-drawn pdfkit`, missive, reference, unit: 'docs/s' },
    {
      name: `render statement ${locale} tagged (PDF/UA-1) vs the same untagged, interleaved with the above`,
      missive,
      reference: withoutTags,
      unit: 'docs/s',
    },
  ];
  // Issue 22's measure: throughput as a batch renders, each statement once (bench/tagging-ab.ts).
  const [tagging] = measureTaggingThroughput([locale], TAGGING_DOCS);
  if (tagging) {
    console.log(describeTaggingThroughput(tagging));
    rows.push({
      name: `render statement ${locale} tagged vs untagged, throughput (${tagging.docs} different statements per side, each once)`,
      missive: tagging.tagged,
      reference: tagging.untagged,
      unit: 'docs/s',
    });
  }
  if (fs.existsSync(CHROMIUM)) {
    const browser = await openChromiumReference(root);
    try {
      const chromiumRate = await rate(CHROMIUM_DOCS, (i) => browser.render(data[i % DOCS]!, locale));
      rows.push({
        name: `render statement ${locale} vs Chromium HTML→PDF`,
        missive,
        reference: chromiumRate,
        unit: 'docs/s',
      });
    } finally {
      await browser.close();
    }
  } else console.warn(`skipping the Chromium reference: ${CHROMIUM} not found`);
  return rows;
}

async function benchImport(): Promise<Row> {
  let rows = 0;
  const start = performance.now();
  await importCustomers({
    file: BANK,
    mapping: path.join(root, 'examples', 'bank-marketing', 'mapping.json'),
    sink: async (batch) => {
      rows += batch.length;
      return { inserted: batch.length, updated: 0, unchanged: 0 };
    },
  });
  const missive = rows / ((performance.now() - start) / 1000);
  const refStart = performance.now();
  let refRows = 0;
  for await (const _ of fs.createReadStream(BANK).pipe(parse({ columns: true }))) refRows += 1;
  const reference = refRows / ((performance.now() - refStart) / 1000);
  return { name: 'import bank-full.csv', missive, reference, unit: 'rows/s' };
}

// BENCH_ONLY=render,import,feeds,decide,simulate,email,print-stream,e2e,scaling,lookup,startup (comma-separated) runs a subset.
const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string) => !only || only.includes(name);
const results: Row[] = [];
if (want('render')) results.push(...(await benchRender('zh-CN')), ...(await benchRender('en-GB')));
if (want('import')) {
  if (fs.existsSync(BANK)) results.push(await benchImport());
  else console.warn(`skipping the import benchmark: ${BANK} not found`);
}
let feeds: FeedLoadFigures | undefined;
if (want('feeds')) {
  feeds = await benchFeedsLoad(root);
  results.push({
    name: `feeds load, ${feeds.rows.toLocaleString('en-GB')} transactions into SQLite vs bare csv-parse of the file`,
    missive: feeds.sqlite.rowsPerSecond,
    reference: feeds.csvParseRowsPerSecond,
    unit: 'rows/s',
  });
  if (feeds.postgres) {
    results.push({
      name: `feeds load, ${feeds.rows.toLocaleString('en-GB')} transactions into PostgreSQL vs bare csv-parse of the file`,
      missive: feeds.postgres.rowsPerSecond,
      reference: feeds.csvParseRowsPerSecond,
      unit: 'rows/s',
    });
  }
}
if (want('decide') && fs.existsSync(BANK)) results.push(await benchDecide());
if (want('simulate') && fs.existsSync(BANK)) results.push(await benchSimulate());
if (want('email')) results.push(...(await benchEmailSms()));
if (want('print-stream')) results.push(await benchPrintStream());
let e2e: EndToEndFigures | undefined;
if (want('e2e')) {
  if (fs.existsSync(BANK)) {
    e2e = await benchEndToEnd(root, BANK);
    results.push({
      name: `end-to-end statement run, ${e2e.customers} customers vs pure render of the same documents`,
      missive: e2e.endToEndPerSecond,
      reference: e2e.pureRenderPerSecond,
      unit: 'docs/s',
    });
    results.push({
      name: `end-to-end statement run, ${e2e.customers} customers vs the same documents through the guarded renderer`,
      missive: e2e.endToEndPerSecond,
      reference: e2e.guardedRenderPerSecond,
      unit: 'docs/s',
    });
  } else console.warn(`skipping the end-to-end benchmark: ${BANK} not found`);
}
let scaling: ScalingFigures | undefined;
if (want('scaling')) {
  if (fs.existsSync(BANK)) {
    scaling = await benchScaling(root, BANK);
    results.push(
      {
        name: 'pure render of the same statements, 2 render threads vs 1',
        missive: scaling.pure2,
        reference: scaling.pure1,
        unit: 'docs/s',
      },
      {
        name: `end-to-end statement run, ${scaling.customers} customers, 2 \`missive worker\` processes vs 1 (shared Redis and PostgreSQL)`,
        missive: scaling.e2e2,
        reference: scaling.e2e1,
        unit: 'docs/s',
      },
    );
  } else console.warn(`skipping the scaling benchmark: ${BANK} not found`);
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
console.log(`\nMissive benchmark — ${new Date().toISOString()} — ${machine}\n`);
console.log('| benchmark | Missive | reference | ratio |');
console.log('|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.missive.toFixed(1)} ${r.unit} | ${r.reference.toFixed(1)} ${r.unit} | ${(r.missive / r.reference).toFixed(2)} |`,
  );
}
if (feeds) printFeedsLoad(feeds);
if (e2e) printEndToEnd(e2e);
if (scaling) printScaling(scaling);
// CLI start-up, wall time of whole processes: its own table (~20 s).
const startup = want('startup') ? benchStartup() : undefined;
if (startup) printStartup(startup);
// Latency, not throughput against a reference: its own table (BENCH_LOOKUP=0 skips it, ~1 min).
const lookup = process.env.BENCH_LOOKUP === '0' || !want('lookup') ? undefined : await benchLookup();
if (lookup) printLookup(lookup);
fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench', 'out', 'latest.json'),
  JSON.stringify({ machine, docs: DOCS, results, lookup, e2e, scaling, feeds, startup }, null, 2),
);

function printEndToEnd(f: EndToEndFigures): void {
  console.log(`\nEnd-to-end run: ${f.customers} customers in ${f.wallSeconds.toFixed(1)} s`);
  console.log(
    `- end to end ${f.endToEndPerSecond.toFixed(1)} docs/s (render stage ${f.renderStagePerSecond.toFixed(1)}/s); pure render of ${f.referenceDocs} of the same documents in ${f.renderProcesses} threads ${f.pureRenderPerSecond.toFixed(1)}/s (ratio ${(f.endToEndPerSecond / f.pureRenderPerSecond).toFixed(2)}); through the guarded renderer ${f.guardedRenderPerSecond.toFixed(1)}/s (ratio ${(f.endToEndPerSecond / f.guardedRenderPerSecond).toFixed(2)})`,
  );
  console.log(
    `- import ${f.importRowsPerSecond.toFixed(0)} rows/s; reconciliation ${f.reconciled ? 'balanced' : 'NOT BALANCED'}; ${JSON.stringify(f.byChannel)}`,
  );
  console.log(
    `- Redis used memory (MB) by minute: ${f.redisMemory.map((m) => `${m.minute.toFixed(0)}:${m.usedMb.toFixed(1)}`).join(' ')}`,
  );
}
