import { describe, expect, it } from 'vitest';
import type { Catalog } from '../rules/index.ts';
import { formRule, offerFromForm } from './new-offer.ts';

const catalog = {
  locales: ['en-GB', 'zh-CN'],
  offers: [{ id: 'taken' }],
  traits: {
    traits: { age: { type: 'integer' }, segment: { type: 'string' }, vip: { type: 'boolean' } },
    computed: [{ name: 'balanceBand', type: 'number' }],
  },
} as unknown as Catalog;

const texts = {
  'name.en-GB': 'Star',
  'headline.en-GB': 'Save',
  'body.en-GB': 'Four per cent.',
  'name.zh-CN': '明星',
  'headline.zh-CN': '储蓄',
  'body.zh-CN': '百分之四。',
};

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('the new-offer form', () => {
  it('builds the catalog offer: the same texts on print and e-mail, the picture, the priority', () => {
    const offer = offerFromForm(
      catalog,
      {
        id: 'star',
        weight: '2.5',
        exclusionGroup: 'savings',
        ...texts,
        'ctaLabel.en-GB': 'Go',
        'ctaUrl.en-GB': 'https://x.example',
      },
      'star.png',
    );
    expect(offer).toMatchObject({
      id: 'star',
      prior: { weight: 2.5, alpha: 1, beta: 1 },
      exclusionGroup: 'savings',
    });
    expect(offer.name).toEqual({ 'en-GB': 'Star', 'zh-CN': '明星' });
    expect(offer.content.print?.['en-GB']).toEqual({
      headline: 'Save',
      body: 'Four per cent.',
      image: 'star.png',
      cta: { label: 'Go', url: 'https://x.example' },
    });
    expect(offer.content.email?.['zh-CN']).toEqual({
      headline: '储蓄',
      body: '百分之四。',
      image: 'star.png',
    });
    expect(offer.eligibility).toEqual({ '==': [1, 1] });
  });

  it('types the one condition by its trait', () => {
    expect(formRule(catalog, { id: 'x', weight: '1', variable: 'age', op: '>=', value: '21' })).toEqual({
      '>=': [{ var: 'age' }, 21],
    });
    expect(formRule(catalog, { id: 'x', weight: '1', variable: 'vip', op: '==', value: 'true' })).toEqual({
      '==': [{ var: 'vip' }, true],
    });
    expect(formRule(catalog, { id: 'x', weight: '1', variable: 'segment', op: '!=', value: 'gold' })).toEqual(
      {
        '!=': [{ var: 'segment' }, 'gold'],
      },
    );
  });

  it('names the field and the reason of a bad form', () => {
    const base = { id: 'star', weight: '1', ...texts };
    expect(message(() => offerFromForm(catalog, { ...base, id: 'taken' }))).toBe(
      'id: the catalog already has an offer taken',
    );
    expect(message(() => offerFromForm(catalog, { ...base, weight: '0' }))).toBe('weight: a positive number');
    expect(message(() => offerFromForm(catalog, { ...base, 'ctaLabel.zh-CN': '去' }))).toBe(
      'ctaUrl.zh-CN: give both the button text and its link, or neither',
    );
    expect(message(() => formRule(catalog, { ...base, variable: 'agee', op: '>=', value: '1' }))).toBe(
      'variable: agee is not a trait of the catalog',
    );
    expect(message(() => formRule(catalog, { ...base, variable: 'age', op: 'in', value: '1' }))).toBe(
      'op: one of >= <= == != > <',
    );
    expect(
      message(() => formRule(catalog, { ...base, variable: 'balanceBand', op: '>', value: 'lots' })),
    ).toBe('value: balanceBand is a number: give a number');
  });
});
