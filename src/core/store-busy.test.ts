import { describe, expect, it } from 'vitest';
import { isStoreBusy } from './store-busy.ts';

describe('isStoreBusy', () => {
  it('knows a busy SQLite and a PostgreSQL that asks to try again, also through causes and messages', () => {
    expect(isStoreBusy(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isStoreBusy(new Error('render failed: database is locked'))).toBe(true);
    expect(isStoreBusy(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(true);
    expect(isStoreBusy(new Error('wrapped', { cause: { code: '40P01', message: 'deadlock' } }))).toBe(true);
  });

  it('leaves real faults alone', () => {
    expect(
      isStoreBusy(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT' })),
    ).toBe(false);
    expect(isStoreBusy(Object.assign(new Error('null value'), { code: '23502' }))).toBe(false);
    expect(isStoreBusy(new Error('document data account: Invalid input'))).toBe(false);
    expect(isStoreBusy(undefined)).toBe(false);
  });
});
