import { z } from 'zod';
import { MissiveError } from '../../core/errors.ts';

/** How the documents of a run become print files: what the print house and its inserter expect. */
export interface PrintStreamOptions {
  /** Documents per print file (an envelope is never split across files). */
  readonly size: number;
  /** Printed on both sides: a document with an odd page count gets a blank back page. */
  readonly duplex: boolean;
  /** Documents for the same normalised address go into one envelope. */
  readonly householding: boolean;
  /** Sheets an envelope can hold; a household with more sheets gets more envelopes. */
  readonly envelopeMaxSheets: number;
  /** The inserter's mark on the front of every sheet. */
  readonly marks: 'datamatrix' | 'omr';
}

export const DEFAULT_PRINT_STREAM_OPTIONS: PrintStreamOptions = Object.freeze({
  size: 5000,
  duplex: true,
  householding: false,
  envelopeMaxSheets: 10,
  marks: 'datamatrix',
});

/** The sequence in the mark has 6 digits, so a file holds at most 999,999 documents. */
export const MAX_STREAM_SIZE = 999_999;

const schema = z.object({
  size: z.number().int().min(1).max(MAX_STREAM_SIZE),
  duplex: z.boolean(),
  householding: z.boolean(),
  envelopeMaxSheets: z.number().int().min(1).max(1000),
  marks: z.enum(['datamatrix', 'omr']),
});

/** Defaults filled in and every value checked; all problems named at once. */
export function printStreamOptions(input: Partial<PrintStreamOptions> = {}): PrintStreamOptions {
  const merged = { ...DEFAULT_PRINT_STREAM_OPTIONS, ...stripUndefined(input) };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new MissiveError('MSV_CONFIG_INVALID', `invalid print stream options: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
