import { describe, expect, it } from 'vitest';
import { backoffMs, classifySmtpError, classifyTwilioError } from './classify.ts';

describe('classifySmtpError', () => {
  it('retries 4xx with a growing backoff', () => {
    expect(classifySmtpError({ responseCode: 451, response: '451 try later' }, 1)).toEqual({
      kind: 'retry',
      reason: '451 try later',
      code: 'smtp-451',
      retryAfterMs: 1000,
    });
    expect(classifySmtpError({ responseCode: 450 }, 3)).toMatchObject({ kind: 'retry', retryAfterMs: 4000 });
  });
  it('calls 421 and 454 throttling, not a spent attempt', () => {
    expect(classifySmtpError({ responseCode: 421 }, 1)).toMatchObject({ kind: 'retry', throttled: true });
    expect(classifySmtpError({ responseCode: 454 }, 1)).toMatchObject({ kind: 'retry', throttled: true });
  });
  it('fails 5xx for good as a bounce, except 503 (wrong session state)', () => {
    expect(classifySmtpError({ responseCode: 550, command: 'RCPT TO' }, 1)).toMatchObject({
      kind: 'failed',
      code: 'smtp-550',
      bounce: true,
    });
    expect(classifySmtpError({ responseCode: 503 }, 1)).toMatchObject({ kind: 'retry' });
  });
  it('retries a connection that never opened, but calls a lost one unknown', () => {
    expect(
      classifySmtpError({ code: 'ESOCKET', syscall: 'connect', message: 'connect ECONNREFUSED' }, 1),
    ).toMatchObject({
      kind: 'retry',
    });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Timeout' }, 1)).toMatchObject({
      kind: 'unknown',
    });
    expect(
      classifySmtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 1),
    ).toMatchObject({
      kind: 'unknown',
    });
  });
});

describe('classifyTwilioError', () => {
  it('fails invalid numbers permanently with the Twilio code', () => {
    expect(classifyTwilioError({ status: 400, code: 21211, message: 'invalid' }, 1)).toMatchObject({
      kind: 'failed',
      code: 'twilio-21211',
      bounce: true,
    });
    expect(classifyTwilioError({ status: 400, code: 21614 }, 1)).toMatchObject({
      kind: 'failed',
      bounce: true,
    });
    expect(classifyTwilioError({ status: 401, code: 20003 }, 1)).toMatchObject({
      kind: 'failed',
      bounce: false,
    });
  });
  it('retries 429 as throttling and 408/503 as temporary', () => {
    expect(classifyTwilioError({ status: 429, code: 20429 }, 2)).toMatchObject({
      kind: 'retry',
      throttled: true,
      retryAfterMs: 2000,
    });
    expect(classifyTwilioError({ status: 503 }, 1)).toMatchObject({ kind: 'retry', code: 'http-503' });
    expect(classifyTwilioError({ status: 408 }, 1)).toMatchObject({ kind: 'retry' });
  });
  it('calls 5xx and a reset after the request unknown; a refused connection is a retry', () => {
    expect(classifyTwilioError({ status: 500, code: 20500 }, 1)).toMatchObject({
      kind: 'unknown',
      code: 'twilio-20500',
    });
    expect(classifyTwilioError({ status: 502 }, 1)).toMatchObject({ kind: 'unknown' });
    expect(classifyTwilioError({ code: 'ECONNRESET', message: 'socket hang up' }, 1)).toMatchObject({
      kind: 'unknown',
    });
    expect(classifyTwilioError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 1)).toMatchObject({
      kind: 'retry',
    });
  });
});

describe('backoffMs', () => {
  it('doubles and caps at five minutes', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(300_000);
  });
});
