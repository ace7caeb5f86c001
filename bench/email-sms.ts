/**
 * Email and SMS render rates for the shipped payment-reminder package, one process, one core.
 *   email: MJML compiled once per template version, then per customer only Handlebars (renderEmail:
 *          data validation, subject, HTML, plain text, JSON artifact with sha256) vs the reference most
 *          teams run: the template's Handlebars applied to the MJML and MJML compiled per recipient.
 *   sms:   renderSms (validation, Handlebars with helpers, GSM-7/UCS-2 segments, artifact with sha256)
 *          vs a bare Handlebars render of a similar text without helpers.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { renderEmail } from '../src/render/email.ts';
import { renderSms } from '../src/render/sms.ts';
import { compileTemplateAsync } from '../src/templates/compile.ts';
import { EMAIL_FILE } from '../src/templates/compile-email.ts';
import { compileChannelText } from '../src/templates/compile-sms.ts';
import { withBrand } from '../src/templates/index.ts';
import { expandIncludes } from '../src/templates/mjml.ts';
import { loadTemplatePackage } from '../src/templates/package-loader.ts';
import type { DocumentData } from '../src/templates/types.ts';
import { testBrand } from '../test/support/test-brand.ts';

/** mjml 5's async entry point (the package ships no types; see src/templates/mjml.ts). */
const mjml2html = createRequire(import.meta.url)('mjml') as (
  input: string,
  options: Record<string, unknown>,
) => Promise<{ html: string }>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EMAILS = Number(process.env.BENCH_EMAILS ?? 20_000);
const REFERENCE_EMAILS = Number(process.env.BENCH_REFERENCE_EMAILS ?? 200);
const SMS = Number(process.env.BENCH_SMS ?? 200_000);

interface Row {
  name: string;
  missive: number;
  reference: number;
  unit: string;
}

function customers(n: number): { data: DocumentData; locale: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const zh = i % 2 === 1;
    return {
      locale: zh ? 'zh-CN' : 'en-GB',
      data: {
        customer: { id: `C${String(i).padStart(6, '0')}`, name: zh ? `王小明${i}` : `Jane Smith ${i}` },
        account: { number: `02-26-64 ${String(10_000_000 + i)}`, currency: zh ? 'CNY' : 'GBP' },
        amountDue: ((i * 7919) % 200_000) / 100,
        dueDate: '2026-11-30',
        payUrl: `https://pay.missive.example/r/${i.toString(36)}`,
      },
    };
  });
}

async function rate(n: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i += 1) await fn(i); // warm: JIT, formatters
  const start = performance.now();
  for (let i = 0; i < n; i += 1) await fn(i);
  return n / ((performance.now() - start) / 1000);
}

export async function benchEmailSms(): Promise<Row[]> {
  const pkg = await loadTemplatePackage(path.join(root, 'templates', 'payment-reminder'));
  const template = await compileTemplateAsync(pkg);
  const people = customers(1000);
  const at = (i: number) => people[i % people.length]!;
  // The shipped templates read the brand (@brand: colours, logo, sender); the bank's, as a run has it.
  const brand = testBrand('bank');

  const email = await rate(EMAILS, (i) =>
    renderEmail(template, at(i).data, { asOf: '2026-11-01', ...at(i), brand }),
  );
  const ids = new Set(pkg.manifest.locales.flatMap((l) => [...template.runtime(l).strings.keys()]));
  const mjmlText = compileChannelText(
    EMAIL_FILE,
    'reference',
    expandIncludes(pkg.files, EMAIL_FILE),
    'html',
    ids,
  );
  // MJML itself per recipient (the product's compileMjml keeps compiled sources, which would make
  // this a cache lookup for the 1,000 recipients cycled here).
  const perRecipient = await rate(REFERENCE_EMAILS, async (i) => {
    const text = mjmlText.render(
      at(i).data,
      withBrand(template.runtime(at(i).locale), brand.view(at(i).locale)),
    );
    return (await mjml2html(text, { validationLevel: 'soft', minify: false, beautify: false })).html;
  });

  const sms = await rate(SMS, (i) => renderSms(template, at(i).data, { ...at(i), brand }));
  const bare = Handlebars.create().compile(
    'Missive Bank: {{customer.name}}, {{amountDue}} {{account.currency}} is due on {{dueDate}}. Pay at {{payUrl}} or ignore if paid.',
    { noEscape: true },
  );
  const reference = await rate(SMS, (i) => bare(at(i).data));
  return [
    { name: 'email payment-reminder (MJML once)', missive: email, reference: perRecipient, unit: 'emails/s' },
    { name: 'sms payment-reminder', missive: sms, reference, unit: 'sms/s' },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchEmailSms()) {
    console.log(
      `${r.name}: ${r.missive.toFixed(0)} ${r.unit} vs ${r.reference.toFixed(0)} (×${(r.missive / r.reference).toFixed(2)})`,
    );
  }
}
