import type { PrintEntry, UsableAddress } from './print-entry.ts';

/**
 * Code-unit comparison: the same order on every machine and locale (localeCompare is not).
 * Postal codes are compared as normalised text, so "SW1A 1AA" < "SW1A 2AA" and "100080" < "518048".
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The postal code as sorted: without spaces ("1234 AB" and "1234AB" are one code), except British
 * postcodes, already written one way (`canonicalPostalCode`), whose space keeps "YO1 8BZ" before
 * "YO10 1AA" as Royal Mail sorts them. Same household ⇒ same key, so a household stays together.
 */
export function postalSortKey(address: UsableAddress): string {
  return address.country === 'GB' ? address.postalCode : address.postalCode.replace(/ /g, '');
}

/** Mail order: country, then postal code, then customer id, which makes it a total order. */
export function comparePostalOrder(a: PrintEntry, b: PrintEntry): number {
  return (
    compareText(a.address.country, b.address.country) ||
    compareText(postalSortKey(a.address), postalSortKey(b.address)) ||
    compareText(a.customerId, b.customerId)
  );
}

/**
 * With householding, documents for one address must sit together: within a postal code they are
 * ordered by household key first. Without it this is `comparePostalOrder`.
 */
export function sortForPrint(
  entries: readonly PrintEntry[],
  householdKey?: (entry: PrintEntry) => string,
): PrintEntry[] {
  if (!householdKey) return [...entries].sort(comparePostalOrder);
  const keys = new Map(entries.map((e) => [e, householdKey(e)]));
  return [...entries].sort(
    (a, b) =>
      compareText(a.address.country, b.address.country) ||
      compareText(postalSortKey(a.address), postalSortKey(b.address)) ||
      compareText(keys.get(a)!, keys.get(b)!) ||
      compareText(a.customerId, b.customerId),
  );
}
