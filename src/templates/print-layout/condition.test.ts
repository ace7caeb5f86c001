import { describe, expect, it } from 'vitest';
import { conditionHolds, formatCondition, parseCondition } from './condition.ts';

describe('a when: condition', () => {
  const data = {
    offers: [],
    customer: { segment: 'gold', age: 42, balance: '120.50', vip: true, name: "O'Brien" },
  };

  it('keeps the old meaning of a path and a !path (present and truthy; an empty list is false)', () => {
    expect(conditionHolds(data, 'customer.segment')).toBe(true);
    expect(conditionHolds(data, 'offers')).toBe(false);
    expect(conditionHolds(data, '!offers')).toBe(true);
    expect(conditionHolds(data, 'customer.missing.deeper')).toBe(false);
    expect(conditionHolds(data, undefined)).toBe(true);
  });

  it('compares with a text, a number or true/false', () => {
    expect(conditionHolds(data, "customer.segment == 'gold'")).toBe(true);
    expect(conditionHolds(data, "customer.segment != 'gold'")).toBe(false);
    expect(conditionHolds(data, 'customer.age == 42')).toBe(true);
    expect(conditionHolds(data, 'customer.vip == true')).toBe(true);
    expect(conditionHolds(data, 'customer.age > 40')).toBe(true);
    expect(conditionHolds(data, 'customer.age < 40')).toBe(false);
    expect(conditionHolds(data, 'customer.balance >= 120.5')).toBe(true);
    expect(conditionHolds(data, 'customer.balance <= -1')).toBe(false);
    // Not a number, or absent: no comparison holds but "not equal".
    expect(conditionHolds(data, 'customer.segment > 1')).toBe(false);
    expect(conditionHolds(data, 'customer.none < 1')).toBe(false);
    expect(conditionHolds(data, "customer.none != 'x'")).toBe(true);
    expect(conditionHolds(data, "customer.name == 'O\\'Brien'")).toBe(true);
  });

  it('refuses what is not a condition, and writes back what it reads', () => {
    for (const bad of ['', 'a b', 'x > y', "x > 'text'", 'x = 1', '!x == 1', '1x'])
      expect(parseCondition(bad), bad).toBeUndefined();
    for (const text of ['offers.1.cta', '!offers', "customer.segment == 'gold'", 'a.b > -2.5', 'v != true']) {
      const parsed = parseCondition(text);
      expect(parsed, text).toBeDefined();
      if (parsed) expect(formatCondition(parsed)).toBe(text);
    }
    expect(formatCondition({ path: 'n', kind: 'compare', op: '==', value: "it's" })).toBe("n == 'it\\'s'");
  });
});
