import { describe, expect, it } from 'vitest';
import { isMissiveError } from '../core/errors.ts';
import {
  type CatalogTypes,
  didYouMean,
  resolveRunType,
  runnableNames,
  typeForTemplate,
  unknownTypeError,
} from './run-type.ts';

const telecom: CatalogTypes = {
  name: 'telecom',
  communicationTypes: {
    'monthly-bill': { purpose: 'service', channels: ['email', 'print'], template: 'telecom-bill' },
    'upsell-promotion': {
      purpose: 'marketing',
      channels: ['sms', 'email', 'print'],
      template: 'cross-sell-promotion',
    },
    'payment-reminder': { purpose: 'service', channels: ['sms'] },
  },
};
const published = [
  'cross-sell-promotion',
  'monthly-statement',
  'payment-reminder',
  'telecom-bill',
  'insurance-cross-sell',
];

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isMissiveError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

describe('resolveRunType', () => {
  it('runs a catalog type with the template it names (default: its own id)', () => {
    expect(resolveRunType('upsell-promotion', telecom, published)).toEqual({
      kind: 'catalog',
      type: 'upsell-promotion',
      template: 'cross-sell-promotion',
      purpose: 'marketing',
      catalog: 'telecom',
      channels: ['sms', 'email', 'print'],
    });
    expect(resolveRunType('payment-reminder', telecom, published)).toMatchObject({
      kind: 'catalog',
      template: 'payment-reminder',
    });
  });

  it('refuses a template that a catalog type renders, naming the type', () => {
    const err = thrown(() => resolveRunType('cross-sell-promotion', telecom, published));
    expect(err.code).toBe('MSV_RULES_UNKNOWN_TYPE');
    expect(err.message).toContain('it is the template of upsell-promotion — use upsell-promotion');
  });

  it('runs a published service-document template without a catalog entry', () => {
    expect(resolveRunType('monthly-statement', telecom, published)).toEqual({
      kind: 'service-document',
      type: 'monthly-statement',
      template: 'monthly-statement',
      purpose: 'service',
    });
    expect(resolveRunType('monthly-statement', undefined, published).kind).toBe('service-document');
  });

  it('refuses a marketing template without a catalog type (no offer-less promotions)', () => {
    const err = thrown(() => resolveRunType('insurance-cross-sell', telecom, published));
    expect(err.message).toContain(
      '"insurance-cross-sell" is a template but not a communication type of catalog telecom',
    );
    expect(thrown(() => resolveRunType('cross-sell-promotion', undefined, published)).message).toContain(
      'none is published',
    );
  });

  it('lists the known names and suggests the closest for a slip', () => {
    const err = thrown(() => resolveRunType('upsel-promotion', telecom, published));
    expect(err.message).toContain('no communication type "upsel-promotion" in catalog telecom. Known: ');
    expect(err.message).toMatch(/\. Did you mean upsell-promotion\?$/);
    expect(err.message).toContain(
      'Known: monthly-bill (template telecom-bill), upsell-promotion (template cross-sell-promotion), payment-reminder, monthly-statement (service document).',
    );
    expect(thrown(() => resolveRunType('zzz', telecom, published)).message).not.toContain('Did you mean');
  });

  it('a template a type renders is not listed as a service document of its own', () => {
    expect(runnableNames(telecom, published)).toEqual([
      'monthly-bill',
      'upsell-promotion',
      'payment-reminder',
      'monthly-statement',
    ]);
    expect(runnableNames(undefined, [])).toEqual([]);
    expect(unknownTypeError('x', undefined, []).message).toContain('Known: none');
  });
});

describe('typeForTemplate and didYouMean', () => {
  it('finds the type a template preview decides for', () => {
    expect(typeForTemplate(telecom, 'cross-sell-promotion')).toBe('upsell-promotion');
    expect(typeForTemplate(telecom, 'payment-reminder')).toBe('payment-reminder');
    expect(typeForTemplate(telecom, 'monthly-statement')).toBeUndefined();
  });

  it('suggests only close names', () => {
    expect(didYouMean('montly-bill', ['monthly-bill', 'upsell-promotion'])).toBe('monthly-bill');
    expect(didYouMean('statement', ['monthly-bill'])).toBeUndefined();
    expect(didYouMean('a', [])).toBeUndefined();
  });
});
