import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.ts';
import { offerName, pickLabel, traitLabel, traitValueLabel, typeLabel } from './catalog-labels.ts';
import { loadCatalogDirOrThrow } from './catalog-loader.ts';

const catalog = {
  traits: {
    traits: {
      age: { type: 'integer', label: { 'en-GB': 'age', 'zh-CN': '年龄' } },
      balance: { type: 'number', description: 'average yearly balance, EUR' },
      job: { type: 'string', label: { 'en-GB': 'job' } },
      contact: { type: 'string' },
    },
    computed: [{ name: 'valueTier', type: 'string', label: { 'en-GB': 'value tier', 'zh-CN': '价值等级' } }],
    segments: [{ id: 'affluent', label: { 'en-GB': 'affluent', 'zh-CN': '高净值客户' } }],
  },
  communicationTypes: {
    'monthly-statement': { label: { 'en-GB': 'Monthly statement', 'zh-CN': '月结单' } },
    'payment-reminder': {},
  },
  offers: [{ id: 'term-deposit', name: { 'en-GB': 'Term deposit', 'zh-CN': '定期存款' } }],
} as unknown as Catalog;

describe('catalog labels', () => {
  it("names a trait by its label in the reader's language, then en-GB, then its description, then words", () => {
    expect(traitLabel(catalog, 'age', 'zh-CN')).toBe('年龄');
    expect(traitLabel(catalog, 'age', 'zh')).toBe('年龄');
    expect(traitLabel(catalog, 'age', 'zh-TW')).toBe('年龄');
    expect(traitLabel(catalog, 'age', 'en-GB')).toBe('age');
    expect(traitLabel(catalog, 'job', 'zh-CN')).toBe('job');
    expect(traitLabel(catalog, 'balance', 'zh-CN')).toBe('average yearly balance');
    expect(traitLabel(catalog, 'valueTier', 'zh-CN')).toBe('价值等级');
    expect(traitLabel(catalog, 'segments.affluent', 'zh-CN')).toBe('高净值客户');
    expect(traitLabel(catalog, 'lastContactMonth', 'zh-CN')).toBe('last contact month');
    expect(traitLabel(catalog, 'toString', 'zh-CN')).toBe('to string');
    expect(traitLabel(undefined, 'hasHousingLoan')).toBe('has housing loan');
  });

  it('names types and offers, or says it cannot (the caller shows the id)', () => {
    expect(typeLabel(catalog, 'monthly-statement', 'zh-CN')).toBe('月结单');
    expect(typeLabel(catalog, 'monthly-statement', 'en-GB')).toBe('Monthly statement');
    expect(typeLabel(catalog, 'payment-reminder', 'zh-CN')).toBeUndefined();
    expect(typeLabel(catalog, 'constructor', 'zh-CN')).toBeUndefined();
    expect(offerName(catalog, 'term-deposit', 'zh-CN')).toBe('定期存款');
    expect(offerName(catalog, 'gone', 'zh-CN')).toBeUndefined();
    expect(pickLabel({ 'en-GB': 'x' }, 'fr-FR')).toBe('x');
    expect(pickLabel(undefined, 'fr-FR')).toBeUndefined();
  });

  it("names a string trait's values by the catalog's labels; other values as stored (undefined)", async () => {
    const catalogs = path.resolve(import.meta.dirname, '..', '..', 'catalogs');
    const bank = await loadCatalogDirOrThrow(path.join(catalogs, 'bank'));
    expect(traitValueLabel(bank, 'valueTier', 'plus', 'zh-CN')).toBe('增值');
    expect(traitValueLabel(bank, 'valueTier', 'plus', 'en-GB')).toBe('Plus');
    expect(traitValueLabel(bank, 'job', 'technician', 'zh')).toBe('技术员');
    expect(traitValueLabel(bank, 'job', 'admin.', 'fr-FR')).toBe('Administrative');
    expect(traitValueLabel(bank, 'job', 'astronaut', 'en-GB')).toBeUndefined();
    expect(traitValueLabel(bank, 'age', 42, 'en-GB')).toBeUndefined();
    expect(traitValueLabel(bank, 'job', 'toString', 'en-GB')).toBeUndefined();
    // Every shipped catalog: each declared value is named in both languages the UI speaks.
    for (const name of ['bank', 'telco', 'telecom']) {
      const catalog = await loadCatalogDirOrThrow(path.join(catalogs, name));
      const entries = [...Object.values(catalog.traits.traits), ...catalog.traits.computed];
      for (const entry of entries)
        for (const labels of Object.values(entry.values ?? {}))
          expect(Object.keys(labels).sort(), name).toEqual(['en-GB', 'zh-CN']);
    }
  });
});
