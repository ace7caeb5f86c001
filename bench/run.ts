/**
 * `npm run bench`: Missive's throughput against a reference measured in the same run, on this machine.
 *   render: the monthly statement through the template engine vs the same content hand-drawn with raw
 *           pdfkit (same fonts, created once) — the floor any pdfkit-based layout engine pays.
 *   import: bank-full.csv through the import stage (mapping, validation, synthetic identities) vs a
 *           bare csv-parse of the same file.
 * Prints a table and writes bench/out/latest.json. Figures go in bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import PDFDocument from 'pdfkit';
import type { Customer } from '../src/core/types.ts';
import { importCustomers } from '../src/customers/import.ts';
import { buildStatementData } from '../src/customers/synthetic-activity.ts';
import { synthesizeIdentity } from '../src/customers/synthetic-identity.ts';
import { getFont } from '../src/render/pdf/fonts.ts';
import { renderPrint } from '../src/render/print.ts';
import { compileTemplate } from '../src/templates/compile.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import type { DocumentData } from '../src/templates/types.ts';
import { benchDecide } from './decide.ts';
import { benchEmailSms } from './email-sms.ts';
import { benchPrintStream } from './print-stream.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BANK = path.resolve(root, '..', 'shared', 'data', 'bank-marketing', 'bank-full.csv');
const DOCS = Number(process.env.BENCH_DOCS ?? 200);
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

/** The same statement content drawn by hand: header, address, summary, transaction table, footer. */
function drawByHand(data: DocumentData, locale: string): Promise<Buffer> {
  const regular = getFont('regular').font;
  const bold = getFont('bold').font;
  const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string, compress: true });
  doc.registerFont('r', regular as unknown as string);
  doc.registerFont('b', bold as unknown as string);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  // biome-ignore lint/suspicious/noExplicitAny: the reference drawing reads the data loosely
  const d = data as Record<string, any>;
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: d.account.currency });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const day = (iso: string) => date.format(new Date(`${iso}T00:00:00Z`));
  doc.addPage({ size: 'A4', margin: 50 });
  doc.font('b').fontSize(16).text('Missive Bank', 50, 50);
  doc
    .font('r')
    .fontSize(10)
    .text(String(d.customer?.name ?? ''), 57, 128);
  for (const line of (d.customer?.address?.lines ?? []) as string[]) doc.text(line);
  doc.moveDown().text(`${day(d.period.from)} – ${day(d.period.to)}  ${String(d.account.number).slice(-4)}`);
  doc.text(`${money.format(d.openingBalance)} → ${money.format(d.closingBalance)}`);
  let y = 300;
  for (const t of (d.transactions ?? []) as Record<string, unknown>[]) {
    if (y > 760) {
      doc.addPage({ size: 'A4', margin: 50 });
      y = 60;
    }
    doc.text(day(String(t.date)), 50, y, { width: 80 });
    doc.text(String(t.description), 130, y, { width: 250 });
    doc.text(money.format(Number(t.amount)), 380, y, { width: 80, align: 'right' });
    doc.text(money.format(Number(t.balance)), 460, y, { width: 80, align: 'right' });
    y += 16;
  }
  doc.end();
  return done;
}

async function benchRender(locale: 'zh-CN' | 'en-GB'): Promise<Row> {
  const template = compileTemplate(
    await loadTemplatePackage(path.join(root, 'templates', 'monthly-statement')),
  );
  const data = customersOf(locale, DOCS).map((c) => buildStatementData(c, AS_OF));
  const missive = await rate(DOCS, (i) => renderPrint(template, data[i % DOCS]!, { asOf: AS_OF, locale }));
  const reference = await rate(DOCS, (i) => drawByHand(data[i % DOCS]!, locale));
  return { name: `render statement ${locale}`, missive, reference, unit: 'docs/s' };
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

const results: Row[] = [await benchRender('zh-CN'), await benchRender('en-GB')];
if (fs.existsSync(BANK)) results.push(await benchImport());
else console.warn(`skipping the import benchmark: ${BANK} not found`);
if (fs.existsSync(BANK)) results.push(await benchDecide());
results.push(...(await benchEmailSms()));
results.push(await benchPrintStream());

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
console.log(`\nMissive benchmark — ${new Date().toISOString()} — ${machine}\n`);
console.log('| benchmark | Missive | reference | ratio |');
console.log('|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.missive.toFixed(1)} ${r.unit} | ${r.reference.toFixed(1)} ${r.unit} | ${(r.missive / r.reference).toFixed(2)} |`,
  );
}
fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench', 'out', 'latest.json'),
  JSON.stringify({ machine, docs: DOCS, results }, null, 2),
);
