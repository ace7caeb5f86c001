import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../core/types.ts';
import { compileTemplate } from '../templates/compile.ts';
import { loadTemplatePackage } from '../templates/package-loader.ts';
import { buildStatementData, currencyFor } from './synthetic-activity.ts';

const consent = { service: true, marketing: false };

function customer(id: string, locale: string, traits: Customer['traits'] = {}): Customer {
  return {
    id,
    name: locale === 'zh-CN' ? '王芳' : 'Jane Smith',
    locale,
    timeZone: locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
    email: null,
    phone: null,
    address: { lines: ['1 High Street'], postalCode: 'LS1 1AA', city: 'Leeds', country: 'GB' },
    consent: { print: consent, email: consent, sms: consent },
    eDelivery: false,
    traits,
  };
}

interface Tx {
  date: string;
  description: string;
  amount: number;
  balance: number;
}

const cents = (n: number) => Math.round(n * 100);

describe('buildStatementData', () => {
  it('is deterministic per customer id and asOf', () => {
    const c = customer('C000042', 'en-GB', { balance: 1500 });
    expect(buildStatementData(c, '2026-11-30')).toEqual(buildStatementData(c, '2026-11-30'));
    expect(buildStatementData(c, '2026-11-30')).not.toEqual(buildStatementData(c, '2026-10-31'));
    expect(buildStatementData(c, '2026-11-30')).not.toEqual(
      buildStatementData({ ...c, id: 'C000043' }, '2026-11-30'),
    );
  });

  it('keeps opening + transactions = closing (the balance trait) and a consistent running balance', () => {
    for (let i = 0; i < 200; i++) {
      const c = customer(`C${i}`, i % 2 ? 'zh-CN' : 'en-GB', {
        balance: i * 37 - 2000,
        housing: i % 3 ? 'yes' : 'no',
      });
      const data = buildStatementData(c, '2026-11-30');
      const txs = data.transactions as unknown as Tx[];
      expect(txs.length).toBeGreaterThanOrEqual(8);
      expect(txs.length).toBeLessThanOrEqual(60);
      expect(cents(data.closingBalance as number)).toBe(cents(i * 37 - 2000));
      let running = cents(data.openingBalance as number);
      for (const tx of txs) {
        running += cents(tx.amount);
        expect(cents(tx.balance)).toBe(running);
      }
      expect(running).toBe(cents(data.closingBalance as number));
      const totals = data.totals as { paidIn: number; paidOut: number };
      expect(cents(data.openingBalance as number) + cents(totals.paidIn) - cents(totals.paidOut)).toBe(
        running,
      );
    }
  });

  it('dates every transaction in the statement month up to asOf, in order', () => {
    const data = buildStatementData(customer('C7', 'en-GB'), '2026-02-14');
    expect(data.period).toEqual({ from: '2026-02-01', to: '2026-02-14' });
    const dates = (data.transactions as unknown as Tx[]).map((t) => t.date);
    expect([...dates].sort()).toEqual(dates);
    expect(dates.every((d) => d >= '2026-02-01' && d <= '2026-02-14')).toBe(true);
  });

  it('speaks the customer language and currency, and follows traits', () => {
    const zh = buildStatementData(customer('C1', 'zh-CN', { job: 'retired', loan: 'yes' }), '2026-11-30');
    const descriptions = (zh.transactions as unknown as Tx[]).map((t) => t.description);
    expect(descriptions.every((d) => /\p{Script=Han}/u.test(d))).toBe(true);
    expect(descriptions).toContain('退休金');
    expect(descriptions).toContain('个人贷款还款');
    expect(zh.account).toMatchObject({ currency: 'CNY', number: expect.stringMatching(/^6222\d{12}$/) });
    const en = buildStatementData(customer('C1', 'en-GB', { job: 'admin.' }), '2026-11-30');
    expect((en.transactions as unknown as Tx[]).map((t) => t.description)).toContain('Salary');
    expect(en.account).toMatchObject({
      currency: 'GBP',
      number: expect.stringMatching(/^\d\d-\d\d-\d\d \d{8}$/),
    });
    expect([currencyFor('zh-TW'), currencyFor('en-GB'), currencyFor('pt-PT')]).toEqual(['CNY', 'GBP', 'EUR']);
  });

  it('matches the monthly-statement data schema, with or without an address', async () => {
    const dir = path.resolve(import.meta.dirname, '../../templates/monthly-statement');
    const template = compileTemplate(await loadTemplatePackage(dir));
    const data = buildStatementData(customer('C9', 'zh-CN', { balance: 12.34 }), '2026-11-30');
    expect(template.validateData(data)).toBe(data);
    const homeless = buildStatementData({ ...customer('C9', 'en-GB'), address: null }, '2026-11-30');
    expect(template.validateData(homeless)).toBe(homeless);
  });

  it('rejects an asOf that is not a calendar date', () => {
    expect(() => buildStatementData(customer('C1', 'en-GB'), '2026-02-30')).toThrow(/YYYY-MM-DD/);
  });
});
