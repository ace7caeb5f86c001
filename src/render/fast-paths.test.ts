import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testBrand } from '../../test/support/test-brand.ts';
import { channelPackage, TEST_EMAIL } from '../../test/support/test-channel-package.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../templates/compile.ts';
import { withBrand } from '../templates/handlebars/runtime.ts';
import { formatDate } from '../templates/helpers/date.ts';
import { loadTemplatePackage } from '../templates/package-loader.ts';
import { decodeEmail, encodeEmail, renderEmail } from './email.ts';
import { renderSms } from './sms.ts';
import { smsSegments, splitSms } from './sms-segments.ts';

/**
 * The per-message shortcuts (locale strings inlined into the email parts, the subject and an SMS body
 * of one `{{t}}` rendered directly, memoised dates, one-pass SMS counting, one-buffer email encoding)
 * must give exactly the bytes of the general path they replace.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const brand = testBrand();
const name = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.constantFrom('Smith & Sons', `<b>"O'Neil"</b> \`=\``, '王小明', 'émoji 🎉', 'a\r\nb', '{{x}}'),
);

function general(template: CompiledTemplate, data: object, locale: string) {
  const runtime = withBrand(template.runtime(locale), brand.view(locale));
  const email = template.email!;
  return {
    subject: email.subject.render(data, runtime).replace(/[\r\n]+/g, ' '),
    html: email.html.render(data, runtime),
    text: email.text.render(data, runtime),
    sms: template.sms!.body.render(data, runtime),
  };
}

describe('fast paths give the bytes of the general path', () => {
  it('payment-reminder: email subject, HTML, text and SMS for any name, amount, currency and date', async () => {
    const template = await compileTemplateAsync(
      await loadTemplatePackage(path.join(root, 'templates', 'payment-reminder')),
    );
    expect(template.email?.subjectId).toBe('email.subject');
    expect(template.sms?.stringId).toBe('sms.body');
    fc.assert(
      fc.property(
        name,
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.constantFrom('GBP', 'CNY', 'EUR', 'JPY'),
        fc.date({ min: new Date('1970-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        fc.constantFrom('en-GB', 'zh-CN'),
        (customerName, amountDue, currency, due, locale) => {
          const data = {
            customer: { id: 'C1', name: customerName },
            account: { number: '02-26-64 12345678', currency },
            amountDue,
            dueDate: due.toISOString().slice(0, 10),
            payUrl: 'https://pay.example/r/1?a=1&b=2',
          };
          const email = renderEmail(template, data, { asOf: '2026-11-01', locale, brand });
          const sms = renderSms(template, data, { locale, brand });
          const want = general(template, data, locale);
          expect({ subject: email.subject, html: email.html, text: email.text, sms: sms.text }).toEqual(want);
          expect(decodeEmail(email.artifact.bytes)).toEqual({
            subject: want.subject,
            html: want.html,
            text: want.text,
            fromName: brand.view(locale).sender.name,
            fromAddress: 'news@bank.example',
            replyTo: 'help@bank.example',
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('inlines a locale string only when the bytes stay the same (literal text to escape, blocks, data)', async () => {
    const strings = {
      'email.subject': 'Hello {{customer.name}}',
      greeting: "Dear {{customer.name}}, it's <due>",
      other: '{{#if note}}N: {{note}}{{/if}} @ {{customer.name}}',
    };
    const pkg = channelPackage({
      'email.mjml': TEST_EMAIL.replace('Note: {{note}}', "Note: {{t 'other'}}"),
      'locales/en-GB.json': JSON.stringify(strings),
      'locales/zh-CN.json': JSON.stringify(strings),
    });
    const template = await compileTemplateAsync(pkg);
    for (const data of [
      { customer: { name: 'A & <B>' }, note: 'x"y', url: 'u' },
      { customer: { name: "O'Neil" }, note: '', url: 'u' },
    ]) {
      const email = renderEmail(template, data, { asOf: '2026-11-01', locale: 'en-GB' });
      const want = general(template, data, 'en-GB');
      expect({ subject: email.subject, html: email.html, text: email.text }).toEqual({
        subject: want.subject,
        html: want.html,
        text: want.text,
      });
    }
  });

  it('smsSegments counts as the part-by-part split does', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('a', ' ', '€', '[', '\n', 'é', '中', '😀', '\ud800'),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
      maxLength: 500,
    });
    fc.assert(
      fc.property(text, (t) => {
        const split = splitSms(t);
        expect(smsSegments(t)).toEqual({
          encoding: split.encoding,
          units: split.units,
          segments: split.parts.length,
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('formatDate gives Intl’s output, memoised or not, and still rejects invalid dates every time', () => {
    for (const locale of ['en-GB', 'zh-CN']) {
      for (const value of ['2026-11-30', '2024-02-29', '1999-01-01']) {
        const fresh = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
          new Date(`${value}T00:00:00Z`),
        );
        expect(formatDate(value, locale)).toBe(fresh);
        expect(formatDate(value, locale)).toBe(fresh);
      }
    }
    expect(() => formatDate('2026-02-30', 'en-GB')).toThrow(/YYYY-MM-DD/);
    expect(() => formatDate('2026-02-30', 'en-GB')).toThrow(/YYYY-MM-DD/);
  });

  it('encodeEmail frames multi-byte parts by their UTF-8 length', () => {
    const parts = { subject: '您好 🎉', html: '<p>王小明 &amp; é</p>', text: 'a\nb\r\n' };
    const bytes = encodeEmail(parts);
    expect(bytes.toString('utf8')).toBe(
      `missive-email 1\nsubject ${Buffer.byteLength(parts.subject)}\n${parts.subject}\nhtml ${Buffer.byteLength(parts.html)}\n${parts.html}\ntext ${Buffer.byteLength(parts.text)}\n${parts.text}\n`,
    );
    expect(decodeEmail(bytes)).toEqual(parts);
  });
});
