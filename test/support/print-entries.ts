import type { PrintEntry } from '../../src/channels/print-stream/print-entry.ts';

/** A print entry for unit tests: only what a test names differs from a plain British address. */
export function testEntry(
  customerId: string,
  over: Partial<PrintEntry> & { postalCode?: string; lines?: string[]; country?: string } = {},
): PrintEntry {
  return {
    communicationId: `com_${customerId}`,
    customerId,
    sha256: 'a'.repeat(64),
    pages: over.pages ?? 1,
    address: over.address ?? {
      lines: over.lines ?? ['1 High Street'],
      postalCode: over.postalCode ?? 'YO1 8BZ',
      city: 'York',
      country: over.country ?? 'GB',
    },
  };
}
