import { type Logger, pino } from 'pino';

/**
 * Logs carry ids (customerId, runId, communicationId), never personal data. The redaction list is
 * the safety net for the day somebody logs a whole customer by mistake.
 */
export const REDACTED_PATHS = [
  'name',
  'email',
  'phone',
  'address',
  'customer.name',
  'customer.email',
  'customer.phone',
  'customer.address',
  '*.name',
  '*.email',
  '*.phone',
  '*.address',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(
  level: string,
  component = 'missive',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  // stderr by default: a command's stdout is its result (summaries, JSON), logs must not mix into it.
  return pino(
    {
      level,
      base: { component },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };
