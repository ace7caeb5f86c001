import { describe, expect, it } from 'vitest';
import { testCustomer } from '../../test/support/test-catalog.ts';
import type { CustomerHistory } from './decision.ts';
import {
  declinedWithin,
  frequencyCapReached,
  hasConsent,
  inQuietHours,
  isDoNotContact,
} from './suppression.ts';

const NOW = Date.parse('2026-11-23T14:00:00Z');
const QUIET = { start: '21:00', end: '08:00' };
const history = (
  communications: CustomerHistory['communications'],
  extra: Partial<CustomerHistory> = {},
) => ({
  communications,
  declined: [],
  heldProducts: [],
  ...extra,
});

describe('frequency caps across runs', () => {
  const cap = { max: 2, days: 30 };
  it('counts marketing messages of other runs in the window', () => {
    const h = history([
      { runId: 'r1', at: '2026-11-01T10:00:00Z', purpose: 'marketing' },
      { runId: 'r2', at: '2026-11-20T10:00:00Z', purpose: 'marketing' },
    ]);
    expect(frequencyCapReached(h, cap, NOW, 'r3')).toBe(true);
  });
  it('ignores service messages, messages older than the window, and the current run itself', () => {
    const h = history([
      { runId: 'r1', at: '2026-10-01T10:00:00Z', purpose: 'marketing' },
      { runId: 'r2', at: '2026-11-20T10:00:00Z', purpose: 'service' },
      { runId: 'r3', at: '2026-11-22T10:00:00Z', purpose: 'marketing' },
      { runId: 'r4', at: '2026-11-21T10:00:00Z', purpose: 'marketing' },
    ]);
    expect(frequencyCapReached(h, cap, NOW, 'r3')).toBe(false);
    expect(frequencyCapReached(h, cap, NOW, 'r5')).toBe(true);
  });
});

describe('quiet hours in the customer time zone', () => {
  it('the same instant is daytime in London and night in Shanghai', () => {
    const at = Date.parse('2026-11-23T14:30:00Z'); // 14:30 London, 22:30 Shanghai
    expect(inQuietHours('Europe/London', at, QUIET)).toBe(false);
    expect(inQuietHours('Asia/Shanghai', at, QUIET)).toBe(true);
  });
  it('wraps past midnight and ends at the end minute', () => {
    expect(inQuietHours('Asia/Shanghai', Date.parse('2026-11-22T23:59:00Z'), QUIET)).toBe(true); // 07:59
    expect(inQuietHours('Asia/Shanghai', Date.parse('2026-11-23T00:00:00Z'), QUIET)).toBe(false); // 08:00
    expect(inQuietHours('Asia/Shanghai', Date.parse('2026-11-23T13:00:00Z'), QUIET)).toBe(true); // 21:00
  });
  it('follows daylight saving time (New York, summer vs winter)', () => {
    expect(inQuietHours('America/New_York', Date.parse('2026-07-01T01:30:00Z'), QUIET)).toBe(true); // 21:30 EDT
    expect(inQuietHours('America/New_York', Date.parse('2026-12-01T01:30:00Z'), QUIET)).toBe(false); // 20:30 EST
  });
  it('handles a window within one day', () => {
    expect(inQuietHours('UTC', Date.parse('2026-11-23T12:30:00Z'), { start: '12:00', end: '13:00' })).toBe(
      true,
    );
    expect(inQuietHours('UTC', Date.parse('2026-11-23T13:00:00Z'), { start: '12:00', end: '13:00' })).toBe(
      false,
    );
  });
});

describe('consent, do-not-contact, declines', () => {
  it('reads consent per channel and purpose', () => {
    const c = testCustomer('c', {
      consent: {
        print: { service: true, marketing: false },
        email: { service: true, marketing: true },
        sms: { service: false, marketing: false },
      },
    });
    expect(hasConsent(c, 'print', 'service')).toBe(true);
    expect(hasConsent(c, 'print', 'marketing')).toBe(false);
    expect(hasConsent(c, 'email', 'marketing')).toBe(true);
    expect(hasConsent(c, 'sms', 'service')).toBe(false);
  });
  it('do-not-contact comes from a trait or from the history', () => {
    expect(isDoNotContact(testCustomer(), history([]))).toBe(false);
    expect(isDoNotContact(testCustomer('c', { traits: { doNotContact: true } }), history([]))).toBe(true);
    expect(isDoNotContact(testCustomer(), history([], { doNotContact: true }))).toBe(true);
  });
  it('a decline counts for the cooldown days only, for that offer only', () => {
    const h = history([], { declined: [{ offerId: 'deposit', at: '2026-10-01T00:00:00Z' }] });
    expect(declinedWithin(h, 'deposit', 90, NOW)).toBe('2026-10-01T00:00:00Z');
    expect(declinedWithin(h, 'deposit', 30, NOW)).toBeUndefined();
    expect(declinedWithin(h, 'mortgage', 90, NOW)).toBeUndefined();
  });
});
