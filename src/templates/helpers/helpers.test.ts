import { describe, expect, it } from 'vitest';
import { compileText } from '../handlebars/env.ts';
import type { TemplateRuntime } from '../handlebars/runtime.ts';
import { TemplateText } from '../handlebars/template-text.ts';
import { formatDate, parseIsoDate } from './date.ts';
import { groupCharacters } from './group.ts';
import { maskDigits } from './mask.ts';
import { formatMoney } from './money.ts';
import { formatNumber } from './number.ts';

function text(source: string, path = 'body[0].text'): TemplateText {
  const t = new TemplateText(source);
  t.bind({ file: 'print.yaml', path }, compileText(source, 'print'));
  return t;
}

function runtime(locale: string, strings: Record<string, string> = {}): TemplateRuntime {
  const map = new Map(Object.entries(strings).map(([id, s]) => [id, text(s, id)]));
  return { locale, strings: map };
}

describe('money', () => {
  it('formats CNY for zh-CN and GBP for en-GB', () => {
    expect(formatMoney(1234.5, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(1234.5, 'GBP', 'en-GB')).toBe('£1,234.50');
    expect(formatMoney(-0.5, 'GBP', 'en-GB')).toBe('-£0.50');
    expect(formatMoney(1234.5, 'EUR', 'en-GB')).toBe('€1,234.50');
  });

  it('is a helper that takes the currency and reads the locale from the runtime', () => {
    const t = text('{{money amount currency}}');
    expect(t.render({ amount: 1234.5, currency: 'CNY' }, runtime('zh-CN'))).toBe('¥1,234.50');
    expect(t.render({ amount: 1234.5, currency: 'GBP' }, runtime('en-GB'))).toBe('£1,234.50');
  });

  it('rejects a non-number without echoing the value', () => {
    const t = text('{{money amount currency}}');
    expect(() => t.render({ amount: 'Jane', currency: 'GBP' }, runtime('en-GB'))).toThrow(
      /print.yaml body\[0\].text: money: the amount must be a number, got a string$/,
    );
  });
});

describe('date', () => {
  it('formats YYYY-MM-DD in UTC by locale', () => {
    expect(formatDate('2026-11-30', 'zh-CN')).toBe('2026年11月30日');
    expect(formatDate('2026-11-30', 'en-GB')).toBe('30 November 2026');
    expect(formatDate('2026-11-30', 'en-GB', 'dayMonth')).toBe('30 Nov');
    expect(formatDate('2026-11-30', 'zh-CN', 'dayMonth')).toBe('11月30日');
    expect(formatDate('2026-01-01', 'en-GB', 'short')).toBe('01/01/2026');
  });

  it('rejects impossible and non-ISO dates', () => {
    expect(parseIsoDate('2026-02-30')).toBeUndefined();
    expect(parseIsoDate('30/11/2026')).toBeUndefined();
    expect(() => formatDate('2026-13-01', 'en-GB')).toThrow(/YYYY-MM-DD/);
  });

  it('is a helper with an optional style', () => {
    const t = text("{{date d}} | {{date d 'medium'}}");
    expect(t.render({ d: '2026-11-30' }, runtime('en-GB'))).toBe('30 November 2026 | 30 Nov 2026');
    expect(() => text("{{date d 'fancy'}}").render({ d: '2026-11-30' }, runtime('en-GB'))).toThrow(
      /unknown style/,
    );
  });
});

describe('number and mask', () => {
  it('groups numbers by locale', () => {
    expect(formatNumber(1234567.891, 'en-GB', 2)).toBe('1,234,567.89');
    expect(formatNumber(1234567, 'zh-CN')).toBe('1,234,567');
    expect(text('{{number n 1}}').render({ n: 2.75 }, runtime('en-GB'))).toBe('2.8');
  });

  it('keeps only the last four digits', () => {
    expect(maskDigits('6222021234567890')).toBe('**** 7890');
    expect(maskDigits('20-45-67 12345678')).toBe('**** 5678');
    expect(maskDigits('123')).toBe('****');
    expect(text('{{mask n}}').render({ n: '6222021234567890' }, runtime('zh-CN'))).toBe('**** 7890');
  });

  it('prints an IBAN or a Chinese account number in groups of four', () => {
    expect(groupCharacters('GB52MSVB02266493331377')).toBe('GB52 MSVB 0226 6493 3313 77');
    expect(groupCharacters('6222 0206 0429 2377')).toBe('6222 0206 0429 2377');
    expect(groupCharacters('6222020604292377123', 4)).toBe('6222 0206 0429 2377 123');
    expect(text('{{group n}}').render({ n: '6222020604292377' }, runtime('zh-CN'))).toBe(
      '6222 0206 0429 2377',
    );
    expect(() => text('{{group n 0}}').render({ n: '1' }, runtime('en-GB'))).toThrow(/from 1 to 8/);
  });
});

describe('t', () => {
  const strings = { greeting: 'Dear {{customer.name}},', page: 'Page {{current}} of {{total}}' };

  it('evaluates the locale string with the current context and hash arguments', () => {
    const rt = runtime('en-GB', strings);
    expect(text("{{t 'greeting'}}").render({ customer: { name: 'Ann & Bob' } }, rt)).toBe('Dear Ann & Bob,');
    expect(text("{{t 'page' current=p.n total=p.c}}").render({ p: { n: 2, c: 3 } }, rt)).toBe('Page 2 of 3');
  });

  it('names the locale string when a variable inside it is missing', () => {
    const rt = runtime('en-GB', strings);
    const error = (() => {
      try {
        text("{{t 'greeting'}}").render({ customer: {} }, rt);
      } catch (e) {
        return e as { code: string; details: Record<string, unknown> };
      }
    })();
    expect(error?.code).toBe('MSV_TEMPLATE_VARIABLE_MISSING');
    expect(error?.details).toMatchObject({ field: 'greeting', variable: 'customer.name' });
  });

  it('never reaches prototype properties', () => {
    expect(() => text('{{constructor.name}}').render({}, runtime('en-GB'))).toThrow();
    expect(text('{{#with o}}{{x}}{{/with}}').render({ o: { x: 'own' } }, runtime('en-GB'))).toBe('own');
  });
});

describe('percent', () => {
  it('formats a fraction as a percentage by locale', () => {
    const t = text('{{percent rate}} / {{percent rate 2}}');
    expect(t.render({ rate: 0.035 }, runtime('en-GB'))).toBe('3.5% / 3.50%');
    expect(t.render({ rate: 0.035 }, runtime('zh-CN'))).toBe('3.5% / 3.50%');
  });

  it('rejects a non-number', () => {
    expect(() => text('{{percent rate}}').render({ rate: '5%' }, runtime('en-GB'))).toThrow(
      /percent: expected a number, got a string/,
    );
  });
});

describe('plural', () => {
  const t = text("{{plural n zero='no transactions' one='# transaction' other='# transactions'}}");

  it('chooses the form by the locale’s plural rules and formats the count', () => {
    expect(t.render({ n: 0 }, runtime('en-GB'))).toBe('no transactions');
    expect(t.render({ n: 1 }, runtime('en-GB'))).toBe('1 transaction');
    expect(t.render({ n: 1234 }, runtime('en-GB'))).toBe('1,234 transactions');
    expect(t.render({ n: 1 }, runtime('zh-CN'))).toBe('1 transactions');
  });

  it('needs an other form', () => {
    expect(() => text("{{plural n one='x'}}").render({ n: 2 }, runtime('en-GB'))).toThrow(
      /plural: other='…' is required/,
    );
  });
});
