import { describe, expect, it } from 'vitest';
import {
  ageInDays,
  cutoffDate,
  expiryDate,
  loadRetentionPolicy,
  parseRetentionPolicy,
  ruleFor,
} from './retention-policy.ts';

describe('retention policy', () => {
  it('ships a policy: statements 7 years under a legal hold, promotions 1 year', () => {
    const policy = loadRetentionPolicy();
    expect(ruleFor(policy, 'monthly-statement')).toMatchObject({ keep: '7y', legalHold: true });
    expect(ruleFor(policy, 'cross-sell-promotion')).toMatchObject({ keep: '1y', legalHold: false });
    expect(ruleFor(policy, 'something-new')).toBe(policy.default);
  });

  it('computes expiry and cutoff dates in calendar units', () => {
    expect(expiryDate('2026-10-31', '7y')).toBe('2033-10-31');
    expect(expiryDate('2026-01-31', '1m')).toBe('2026-02-28');
    expect(expiryDate('2024-02-29', '1y')).toBe('2025-02-28');
    expect(expiryDate('2026-10-31', '90d')).toBe('2027-01-29');
    expect(cutoffDate('2033-10-31', '7y')).toBe('2026-10-31');
    expect(ageInDays('2026-10-01', '2026-10-31')).toBe(30);
  });

  it('names every problem in a bad policy', () => {
    expect(() => parseRetentionPolicy('default: {keep: forever}\ntypes: {a: {keep: 3w}}')).toThrow(
      /default\.keep.*types\.a\.keep/,
    );
    expect(() => parseRetentionPolicy('default: [')).toThrow(/not valid YAML/);
  });
});
