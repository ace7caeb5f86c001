import type { PostalAddress } from '../../core/types.ts';
import type { UsableAddress } from './print-entry.ts';

export type AddressCheck = { ok: true; address: UsableAddress } | { ok: false; reason: string };

const tidy = (s: unknown): string =>
  typeof s === 'string' ? s.normalize('NFC').replace(/\s+/g, ' ').trim() : '';

/**
 * Whether a customer's address can go on an envelope: at least one address line, a postal code, a
 * city and an ISO country code. The reason names what is missing, never the address itself (it
 * goes into the run's failure list and may be logged).
 */
export function usableAddress(address: PostalAddress | null | undefined): AddressCheck {
  if (!address || typeof address !== 'object') return { ok: false, reason: 'no postal address' };
  const lines = (Array.isArray(address.lines) ? address.lines : []).map(tidy).filter((l) => l !== '');
  const country = tidy(address.country).toUpperCase();
  const postalCode = canonicalPostalCode(tidy(address.postalCode).toUpperCase(), country);
  const city = tidy(address.city);
  const missing = [
    lines.length === 0 ? 'address lines' : '',
    postalCode === '' ? 'postal code' : '',
    city === '' ? 'city' : '',
    /^[A-Z]{2}$/.test(country) ? '' : 'ISO country code',
  ].filter(Boolean);
  if (missing.length > 0) return { ok: false, reason: `postal address without ${missing.join(', ')}` };
  return { ok: true, address: { lines, postalCode, city, country } };
}

/**
 * British postcodes have a 2–4 character outward code, a space and a 3-character inward code;
 * "LS14AP" and "LS1 4AP" are one postcode, written one way so that sorting and householding agree.
 */
export function canonicalPostalCode(code: string, country: string): string {
  if (country !== 'GB') return code;
  const bare = code.replace(/ /g, '');
  return /^[A-Z0-9]{5,7}$/.test(bare) ? `${bare.slice(0, -3)} ${bare.slice(-3)}` : code;
}
