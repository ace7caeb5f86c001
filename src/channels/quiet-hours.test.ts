import { describe, expect, it } from 'vitest';
import { msUntilQuietHoursEnd } from './quiet-hours.ts';

describe('msUntilQuietHoursEnd', () => {
  const quiet = { start: '21:00', end: '08:00' };
  it('is 0 outside the window', () => {
    expect(msUntilQuietHoursEnd('UTC', Date.parse('2026-11-23T12:00:00Z'), quiet)).toBe(0);
  });
  it('counts to the end of a window that wraps past midnight, in the customer time zone', () => {
    expect(msUntilQuietHoursEnd('UTC', Date.parse('2026-11-23T23:30:00Z'), quiet)).toBe(510 * 60_000);
    // 06:00 UTC is 14:00 in Shanghai: not quiet there.
    expect(msUntilQuietHoursEnd('Asia/Shanghai', Date.parse('2026-11-23T06:00:00Z'), quiet)).toBe(0);
    expect(msUntilQuietHoursEnd('Asia/Shanghai', Date.parse('2026-11-23T22:00:00Z'), quiet)).toBe(
      120 * 60_000,
    );
  });
});
