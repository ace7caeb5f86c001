import { describe, expect, it } from 'vitest';
import { classifyRedisError, repeatKeyOf } from './redis-fault.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyRedisError', () => {
  it('tells a lost connection, a Redis that cannot persist and a full one apart', () => {
    expect(classifyRedisError(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe(
      'unreachable',
    );
    expect(classifyRedisError(new Error('Connection is closed.'))).toBe('unreachable');
    expect(classifyRedisError(new Error('Command timed out'))).toBe('unreachable');
    expect(
      classifyRedisError(new Error('MISCONF Errors writing to the AOF file: No space left on device')),
    ).toBe('cannot-persist');
    expect(classifyRedisError(new Error("OOM command not allowed when used memory > 'maxmemory'."))).toBe(
      'full',
    );
    expect(classifyRedisError(new Error('NOSCRIPT'))).toBe('other');
  });
});

describe('repeatKeyOf', () => {
  it('is the same for attempts that differ only in numbers', () => {
    expect(repeatKeyOf(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(repeatKeyOf(new Error('Missing lock for job 17'))).toBe(
      repeatKeyOf(new Error('Missing lock for job 4')),
    );
    expect(repeatKeyOf(new Error('MISCONF Redis is configured… script: d96ca6, on @user_script:217.'))).toBe(
      'MISCONF',
    );
  });
});
