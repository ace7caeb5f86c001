import { ERRORS, type ErrorCode } from './error-codes.ts';

export { ERRORS, type ErrorCode, type ErrorSpec, isErrorCode, MERGED_CODES } from './error-codes.ts';

/** Where an error happened. Ids only: never names, addresses or account numbers. */
export interface ErrorDetails {
  file?: string;
  line?: number;
  field?: string;
  customerId?: string;
  runId?: string;
  [key: string]: string | number | boolean | undefined;
}

/**
 * Every error Missive raises on purpose: a stable `code` from the table in error-codes.ts, the HTTP
 * status of that code as `statusCode` (as fastify's errors carry it), a message for people and
 * details saying where. Without a message, the code's own message from the table.
 */
export class MissiveError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly statusCode: number;

  constructor(
    code: ErrorCode,
    message: string = ERRORS[code].message,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.statusCode = ERRORS[code].statusCode;
  }

  /** One line for people: "file:line field: message [CODE]". */
  describe(): string {
    const where = [this.details.file, this.details.line].filter((v) => v !== undefined).join(':');
    const field = this.details.field ? ` ${this.details.field}` : '';
    return `${where}${field}${where || field ? ': ' : ''}${this.message} [${this.code}]`;
  }
}

export function isMissiveError(value: unknown): value is MissiveError {
  return value instanceof MissiveError;
}

/** The message of anything thrown, for reasons stored in the ledger and reports. */
export function errorMessage(value: unknown): string {
  if (value instanceof MissiveError) return value.describe();
  if (value instanceof Error) return value.message;
  return String(value);
}
