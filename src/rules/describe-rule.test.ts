import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.ts';
import {
  describeRule,
  rejectionSentence,
  storedSuppressionReason,
  suppressionSentence,
  traitLabel,
} from './describe-rule.ts';

const label = (n: string) => traitLabel(undefined, n);
const v = (name: string) => ({ var: name });

describe('rules in words', () => {
  it('says a failed clause as its negation, in en-GB and zh-CN', () => {
    const tier = { in: [v('valueTier'), ['Plus', 'Premier']] };
    expect(describeRule(tier, 'en-GB', label, true)).toBe('value tier is not Plus or Premier');
    expect(describeRule(tier, 'en-GB', label)).toBe('value tier is Plus or Premier');
    expect(describeRule(tier, 'zh-CN', label, true)).toBe('value tier不为Plus或Premier');
    expect(describeRule({ '>=': [v('age'), 25] }, 'en-GB', label, true)).toBe('age is below 25');
    expect(describeRule({ '<': [18, v('age')] }, 'en-GB', label)).toBe('age is more than 18');
    expect(describeRule({ '<=': [25, v('age'), 40] }, 'en-GB', label)).toBe('age is between 25 and 40');
    expect(describeRule({ '==': [v('hasHousingLoan'), false] }, 'en-GB', label, true)).toBe(
      'has housing loan: yes',
    );
    expect(describeRule({ '==': [v('hasHousingLoan'), true] }, 'zh-CN', label, true)).toBe(
      'has housing loan：否',
    );
    expect(describeRule({ '!': { '==': [v('job'), 'student'] } }, 'en-GB', label)).toBe('job is not student');
    expect(
      describeRule(
        { and: [{ '>': [v('balance'), 1000] }, { '==': [v('job'), 'retired'] }] },
        'en-GB',
        label,
        true,
      ),
    ).toBe('balance is at most 1000 or job is not retired');
    expect(describeRule({ '>': [v('balance'), 1000] }, 'zh-CN', label, true)).toBe('balance不高于1000');
  });

  it('falls back (undefined) rather than say something wrong', () => {
    expect(describeRule({ some: [v('tags'), { '==': [{ var: '' }, 'x'] }] }, 'en-GB', label)).toBeUndefined();
    expect(describeRule({ '==': [{ '+': [v('a'), 1] }, 2] }, 'en-GB', label)).toBeUndefined();
  });

  it('names the failing clause of an offer from the catalog, with trait descriptions', () => {
    const catalog = {
      traits: {
        traits: { balance: { type: 'number', description: 'average yearly balance, EUR' } },
        computed: [],
        segments: [],
      },
      offers: [
        { id: 'gold', eligibility: { and: [{ '>=': [v('age'), 18] }, { '>=': [v('balance'), 5000] }] } },
      ],
    } as unknown as Catalog;
    const rejected = {
      offerId: 'gold',
      rule: 'eligibility' as const,
      path: 'eligibility.and[1]',
      reason: 'raw',
    };
    expect(rejectionSentence(rejected, catalog, 'en-GB')).toBe(
      'Not offered: average yearly balance is below 5000',
    );
    expect(rejectionSentence(rejected, catalog, 'zh-CN')).toBe(
      '未提供此优惠：average yearly balance低于5000',
    );
    expect(rejectionSentence({ offerId: 'x', rule: 'declined', reason: 'raw' }, catalog, 'en-GB')).toBe(
      'Not offered: the customer declined this offer recently',
    );
    expect(rejectionSentence({ ...rejected, offerId: 'gone' }, catalog, 'en-GB')).toBe('Not offered: raw');
    expect(suppressionSentence({ suppressed: { rule: 'do-not-contact', reason: 'x' } }, 'zh-CN')).toBe(
      '未发送：客户要求不再联系',
    );
  });

  it("names traits by the catalog's label in the reader's language", () => {
    const catalog = {
      traits: {
        traits: {
          balance: {
            type: 'number',
            label: { 'en-GB': 'average yearly balance (EUR)', 'zh-CN': '平均年余额（欧元）' },
          },
        },
        computed: [],
        segments: [],
      },
      offers: [{ id: 'gold', eligibility: { '>=': [v('balance'), 5000] } }],
    } as unknown as Catalog;
    const rejected = { offerId: 'gold', rule: 'eligibility' as const, path: 'eligibility', reason: 'raw' };
    expect(rejectionSentence(rejected, catalog, 'zh-CN')).toBe('未提供此优惠：平均年余额（欧元）低于5000');
    expect(rejectionSentence(rejected, catalog, 'en-GB')).toBe(
      'Not offered: average yearly balance (EUR) is below 5000',
    );
  });

  it("says a stored suppression reason in the reader's words when it knows the rule", () => {
    expect(storedSuppressionReason('do-not-contact: customer asked', 'zh-CN')).toBe('客户要求不再联系');
    expect(storedSuppressionReason('frequency-cap: 4 messages in 30 days', 'en-GB')).toBe(
      'the customer has had as many messages as the contact policy allows',
    );
    expect(storedSuppressionReason('something else happened', 'zh-CN')).toBeUndefined();
    expect(storedSuppressionReason('toString: x', 'zh-CN')).toBeUndefined();
  });
});
