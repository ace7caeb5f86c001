import { type Envelope, groupEnvelopes, splitStreams } from './envelopes.ts';
import { entryHouseholdKey } from './household.ts';
import type { PrintStreamOptions } from './options.ts';
import { sortForPrint } from './postal-order.ts';
import type { PrintEntry } from './print-entry.ts';

/** The whole plan, pure: postal order, envelopes (householding optional), files of `size` documents. */
export function planPrintStreams(entries: readonly PrintEntry[], options: PrintStreamOptions): Envelope[][] {
  const householdKey = options.householding ? entryHouseholdKey : undefined;
  const envelopes = groupEnvelopes(sortForPrint(entries, householdKey), {
    duplex: options.duplex,
    householdKey,
    maxSheets: options.envelopeMaxSheets,
  });
  return splitStreams(envelopes, options.size);
}
