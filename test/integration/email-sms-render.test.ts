import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/render/email.ts';
import { renderSms } from '../../src/render/sms.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../src/templates/compile.ts';
import { withBrand } from '../../src/templates/handlebars/runtime.ts';
import { loadTemplatePackage } from '../../src/templates/package-loader.ts';
import { testBrand } from '../support/test-brand.ts';

const BANK = testBrand('bank');

const AS_OF = '2026-11-01';
const en = {
  customer: { id: 'C000020', name: 'Jane Smith' },
  account: { number: '02-26-64 93331377', currency: 'GBP' },
  amountDue: 1234.5,
  dueDate: '2026-11-30',
  payUrl: 'https://pay.missive.example/r/7f3a9c',
};
const zh = {
  customer: { id: 'C000031', name: '王小明' },
  account: { number: '6222 0210 0112 3456', currency: 'CNY' },
  amountDue: 1234.5,
  dueDate: '2026-11-30',
  payUrl: 'https://pay.missive.example/r/1b2c3d',
};

describe('payment-reminder: email and SMS for an en-GB and a zh-CN customer', () => {
  let template: CompiledTemplate;
  beforeAll(async () => {
    template = await compileTemplateAsync(
      await loadTemplatePackage(path.resolve(import.meta.dirname, '../../templates/payment-reminder')),
    );
  });

  it('renders the en-GB email: localised subject, money, date, masked account, pay link', () => {
    const out = renderEmail(template, en, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    expect(out.subject).toBe('Payment reminder: £1,234.50 due on 30 November 2026');
    expect(out.html).toContain('Dear Jane Smith,');
    expect(out.html).toContain('£1,234.50');
    expect(out.html).toContain('**** 1377');
    expect(out.html).not.toContain('93331377');
    expect(out.html).toMatch(/href="https:\/\/pay\.missive\.example\/r\/7f3a9c"/);
    expect(out.html).toContain('<html lang="en-GB"');
    expect(out.html).toContain(`src="${BANK.view('en-GB').logo.src.replace(/=/g, '&#x3D;')}"`); // the brand's logo
    expect(out.html).toContain('#0b3d6e'); // the brand's colours, none in the template
    expect(out.html).toContain(BANK.view('en-GB').legalFooter);
    expect(out.text).toContain('Pay now (https://pay.missive.example/r/7f3a9c)');
    expect(out.text).toContain('Amount due £1,234.50');
    expect(out.warnings).toEqual([]);
    expect(out.sizeBytes).toBeLessThan(102 * 1024);
  });

  it('renders the zh-CN email: Chinese subject and body, ¥ and 年月日', () => {
    const out = renderEmail(template, zh, { asOf: AS_OF, locale: 'zh-CN', brand: BANK });
    expect(out.subject).toBe('还款提醒：¥1,234.50 将于 2026年11月30日 到期');
    expect(out.html).toContain('尊敬的王小明：');
    expect(out.text).toContain('温馨提示：您账户上的 ¥1,234.50 款项将于 2026年11月30日 到期。');
    expect(out.text).toContain('立即还款 (https://pay.missive.example/r/1b2c3d)');
  });

  it('renders the SMS: Latin GSM-7 in one part, Chinese UCS-2 in two parts of ≤ 67', () => {
    const latin = renderSms(template, en, { locale: 'en-GB', brand: BANK });
    expect(latin.text).toBe(
      'Missive Bank: Jane Smith, £1,234.50 is due on 30 Nov 2026. Pay at https://pay.missive.example/r/7f3a9c or ignore if paid.',
    );
    expect(latin).toMatchObject({ encoding: 'GSM-7', units: 121, segments: 1, warnings: [] });
    const chinese = renderSms(template, zh, { locale: 'zh-CN', brand: BANK });
    expect(chinese.text).toBe(
      '【米思芙银行】王小明，您的 ¥1,234.50 款项将于 2026年11月30日 到期。还款：https://pay.missive.example/r/1b2c3d 已还款请忽略。',
    );
    expect(chinese).toMatchObject({ encoding: 'UCS-2', units: chinese.text.length, segments: 2 });
    expect(chinese.artifact.segments).toBe(2);
  });

  it('static locale strings inlined per locale render the same bytes as the t helper', () => {
    const out = renderEmail(template, en, { asOf: AS_OF, locale: 'en-GB', brand: BANK });
    expect(template.email?.locales.get('en-GB')?.html.source).not.toContain("{{t 'email.heading'}}");
    expect(out.html).toBe(
      template.email?.html.render(en, withBrand(template.runtime('en-GB'), BANK.view('en-GB'))),
    );
    expect(out.text).toBe(
      template.email?.text.render(en, withBrand(template.runtime('en-GB'), BANK.view('en-GB'))),
    );
  });

  it('the same customer gives the same bytes on every render', () => {
    const a = renderEmail(template, zh, { asOf: AS_OF, locale: 'zh-CN', brand: BANK }).artifact.sha256;
    expect(renderEmail(template, zh, { asOf: AS_OF, locale: 'zh-CN', brand: BANK }).artifact.sha256).toBe(a);
  });
});
