import { sha256Hex } from '../../core/hash.ts';
import type { PrintEntry, UsableAddress } from './print-entry.ts';

/**
 * The same address written differently is the same household: Unicode NFKC, lower case, punctuation
 * dropped, whitespace collapsed, postal code without spaces. Returns a short hash, so the key can be
 * compared and stored without carrying the address.
 */
export function householdKey(address: UsableAddress): string {
  const norm = (s: string) =>
    s
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\p{P}\p{S}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const parts = [
    address.country,
    address.postalCode.replace(/\s+/g, ''),
    norm(address.city),
    ...address.lines.map(norm).filter((l) => l !== ''),
  ];
  return sha256Hex(parts.join('\u001f')).slice(0, 16);
}

export function entryHouseholdKey(entry: PrintEntry): string {
  return householdKey(entry.address);
}
