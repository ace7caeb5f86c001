import { hash32, seededRandom } from '../../src/core/seeded-random.ts';
import type { FeedCustomer } from '../customer-source.ts';
import { amountFactor, type Culture, cultureOf } from './activity.ts';

/**
 * The current account of an example customer, as the accounts extract carries it: ids and numbers
 * derived from the customer id (stable from month to month), currency from the locale.
 *
 * - zh-* → CNY: a 16-digit card-style account number (6222…), no sort code or IBAN (China has none).
 * - en-GB → GBP: an 8-digit account number, a sort code 04-xx-xx, a GB IBAN with valid check digits.
 * - others → EUR: an 11-digit account number and a PT IBAN (bank, branch, account, NIB check digits).
 * The bank is the fictional Missive Bank (bank code MSVB / 0099, BIC MSVB…).
 */
export interface AccountRecord {
  accountId: string;
  number: string;
  sortCode: string;
  iban: string;
  bic: string;
  currency: 'CNY' | 'GBP' | 'EUR';
  /** Arranged overdraft in minor units (0: none). */
  overdraftCents: number;
}

export function currencyFor(locale: string): AccountRecord['currency'] {
  if (/^zh\b/i.test(locale)) return 'CNY';
  return locale === 'en-GB' ? 'GBP' : 'EUR';
}

/** `n` digits derived from the seed text. */
function digits(seed: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(hash32(`${seed}\u0000${i}`) % 10_000).padStart(4, '0');
  return out.slice(0, n);
}

/** The remainder of a long decimal string modulo 97 (ISO 7064 MOD 97-10). */
function mod97(numeric: string): number {
  let rest = 0;
  for (let i = 0; i < numeric.length; i += 7) rest = Number(`${rest}${numeric.slice(i, i + 7)}`) % 97;
  return rest;
}

/** An IBAN with its check digits: country + check + BBAN (letters count A=10 … Z=35). */
export function iban(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = String(98 - mod97(numeric)).padStart(2, '0');
  return `${country}${check}${bban}`;
}

/** Account identity and overdraft; `closingCents` decides whether a negative balance is arranged. */
export function accountFor(customer: FeedCustomer, closingCents: number): AccountRecord {
  const culture: Culture = cultureOf(customer.locale);
  const currency = currencyFor(customer.locale);
  const d = digits(`missive-example-account-v1\u0000${customer.id}`, 22);
  const accountId = `CA${customer.id}`;
  const overdraftCents = overdraftFor(customer, culture, closingCents);
  if (currency === 'CNY') {
    return {
      accountId,
      number: `6222${d.slice(0, 12)}`,
      sortCode: '',
      iban: '',
      bic: 'MSVBCNSH',
      currency,
      overdraftCents,
    };
  }
  if (currency === 'GBP') {
    const sort = `04${d.slice(0, 4)}`;
    const number = d.slice(4, 12);
    return {
      accountId,
      number,
      sortCode: `${sort.slice(0, 2)}-${sort.slice(2, 4)}-${sort.slice(4, 6)}`,
      iban: iban('GB', `MSVB${sort}${number}`),
      bic: 'MSVBGB2L',
      currency,
      overdraftCents,
    };
  }
  const bankBranchAccount = `0099${d.slice(0, 4)}${d.slice(4, 15)}`;
  const nibCheck = String(98 - mod97(`${bankBranchAccount}00`)).padStart(2, '0');
  return {
    accountId,
    number: d.slice(4, 15),
    sortCode: '',
    iban: iban('PT', `${bankBranchAccount}${nibCheck}`),
    bic: 'MSVBPTPL',
    currency,
    overdraftCents,
  };
}

const OVERDRAFT_TIERS = [25_000, 50_000, 100_000, 150_000, 200_000];

/**
 * The arranged overdraft: none for about 40 % of customers in credit; for an overdrawn customer
 * usually enough to cover the balance (rounded up to 500), but for about 1 in 7 less than it — those
 * are over their limit and appear in the arrears extract.
 */
function overdraftFor(customer: FeedCustomer, culture: Culture, closingCents: number): number {
  const rng = seededRandom('missive-example-overdraft-v1', customer.id);
  const factor = amountFactor(culture);
  const tier = rng.pick(OVERDRAFT_TIERS) * factor;
  if (closingCents >= 0) return rng.chance(0.4) ? 0 : tier;
  const step = 50_000 * factor;
  const covering = Math.ceil(-closingCents / step) * step;
  if (rng.chance(0.85)) return covering;
  return Math.max(0, covering - step * (1 + rng.int(2)));
}
