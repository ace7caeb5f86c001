import { describe, expect, it } from 'vitest';
import { conditionOf, ruleFormOf } from './rule-builder.ts';

describe("the canvas's rule builder", () => {
  it('writes the condition of each operator, and reads it back', () => {
    const cases: [Parameters<typeof conditionOf>[0], string | undefined, string][] = [
      [{ field: 'offers', op: 'set', value: '' }, undefined, 'offers'],
      [{ field: 'offers', op: 'not-set', value: 'ignored' }, undefined, '!offers'],
      [{ field: 'customer.segment', op: '==', value: 'gold' }, 'string', "customer.segment == 'gold'"],
      [{ field: 'account.number', op: '==', value: '0042' }, 'string', "account.number == '0042'"],
      [{ field: 'totals.fees', op: '>', value: '0' }, 'number', 'totals.fees > 0'],
      [{ field: 'customer.age', op: '<', value: '18' }, 'integer', 'customer.age < 18'],
      [{ field: 'flag', op: '==', value: 'true' }, 'boolean', 'flag == true'],
      [{ field: 'x', op: '', value: '' }, undefined, ''],
    ];
    for (const [form, type, want] of cases) {
      expect(conditionOf(form, type)).toBe(want);
      if (want) expect(conditionOf(ruleFormOf(want), type)).toBe(want);
    }
    expect(ruleFormOf("customer.segment == 'gold'")).toEqual({
      field: 'customer.segment',
      op: '==',
      value: 'gold',
    });
    expect(ruleFormOf(undefined)).toEqual({ field: '', op: '', value: '' });
  });

  it('refuses a missing field, a non-number for greater/less, and an unknown operator', () => {
    expect(() => conditionOf({ field: '', op: 'set', value: '' })).toThrow(/field/);
    expect(() => conditionOf({ field: 'a', op: '>', value: 'ten' })).toThrow(/value/);
    expect(() => conditionOf({ field: 'a', op: '==', value: '' })).toThrow(/value/);
    expect(() => conditionOf({ field: 'a', op: '~', value: '1' })).toThrow(/op/);
  });
});
