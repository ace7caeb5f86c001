import { describe, expect, it } from 'vitest';
import { toErrorBody } from '../src/api/plugins/errors.ts';
import { ERRORS, type ErrorCode } from '../src/core/error-codes.ts';
import { MissiveError } from '../src/core/errors.ts';
import { InvariantError, invariant } from '../src/core/invariant.ts';

describe('MissiveError and the table of codes', () => {
  const codes = Object.keys(ERRORS) as ErrorCode[];

  it("carries its code's HTTP status from the table, and the API answers with it", () => {
    for (const code of codes) {
      const error = new MissiveError(code, 'x');
      expect(error.statusCode).toBe(ERRORS[code].statusCode);
      expect(toErrorBody(error)).toEqual({
        status: ERRORS[code].statusCode,
        body: { error: { code, message: 'x', details: {} } },
      });
    }
  });

  it("takes the code's message from the table when the raise site gives none", () => {
    const error = new MissiveError('MSV_RUN_NOT_FOUND');
    expect(error.message).toBe(ERRORS.MSV_RUN_NOT_FOUND.message);
    expect(error.describe()).toBe('No run with that id. [MSV_RUN_NOT_FOUND]');
  });

  it('keeps the statuses the API always gave (a sample)', () => {
    expect(ERRORS.MSV_API_BAD_REQUEST.statusCode).toBe(400);
    expect(ERRORS.MSV_RUN_NOT_FOUND.statusCode).toBe(404);
    expect(ERRORS.MSV_RUN_PERIOD_TAKEN.statusCode).toBe(409);
    expect(ERRORS.MSV_API_RATE_LIMITED.statusCode).toBe(429);
    expect(ERRORS.MSV_PORTAL_CODE_SPENT.statusCode).toBe(410);
    expect(ERRORS.MSV_STORE_UNAVAILABLE.statusCode).toBe(503);
    expect(ERRORS.MSV_RENDER_FAILED.statusCode).toBe(422);
  });

  it('answers anything that is not a MissiveError as a 500 without internals', () => {
    expect(toErrorBody(new InvariantError('a bug'))).toEqual({
      status: 500,
      body: { error: { code: 'MSV_API_INTERNAL', message: 'internal error', details: {} } },
    });
  });
});

describe('invariant', () => {
  it('throws an InvariantError (no code: a programming error) when the condition fails', () => {
    expect(() => invariant(undefined, 'never sent')).toThrow(InvariantError);
    expect(() => invariant(undefined, 'never sent')).toThrow('never sent');
    expect(() => invariant(1, 'never sent')).not.toThrow();
    expect(new InvariantError('x')).not.toBeInstanceOf(MissiveError);
  });
});
