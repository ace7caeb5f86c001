import { hash32, type SeededRandom, seededRandom } from '../core/seeded-random.ts';
import type { ChannelKind, Consent, Customer, PostalAddress } from '../core/types.ts';
import {
  CHINESE_CITIES,
  CHINESE_FEMALE_GIVEN_NAMES,
  CHINESE_GIVEN_NAMES,
  CHINESE_MALE_GIVEN_NAMES,
  CHINESE_SURNAMES,
  UK_INWARD_LETTERS,
  UK_STREET_KINDS,
  UK_STREET_NAMES,
  UK_TOWNS,
  WESTERN_FEMALE_GIVEN_NAMES,
  WESTERN_GIVEN_NAMES,
  WESTERN_MALE_GIVEN_NAMES,
  WESTERN_SURNAMES,
} from './identity-pools.ts';

/**
 * A plausible identity for a customer whose data has none (the bank-marketing rows carry no
 * names or addresses). Pure and seeded by the id: the same id (and seed) always gives the same
 * identity. About 40 % are Chinese (zh-CN, Asia/Shanghai, +86 mobiles, Chinese addresses) and
 * 60 % British (en-GB, Europe/London, +44 mobiles, UK addresses).
 *
 * E-mail addresses are on the reserved example.com (British) and example.net (Chinese) domains
 * (RFC 2606), so nothing can ever reach a real mailbox. Phone numbers are well-formed E.164 mobiles
 * and may exist: send them only to the loopback SMS sink. For ids that end in a number (12, C000012)
 * the phone number and e-mail address are unique per number.
 */

export type IdentityCulture = 'zh-CN' | 'en-GB';

export interface SyntheticIdentity {
  culture: IdentityCulture;
  name: string;
  locale: string;
  timeZone: string;
  email: string;
  phone: string;
  address: PostalAddress;
  consent: Record<ChannelKind, Consent>;
  eDelivery: boolean;
}

export interface SyntheticIdentityOptions {
  /** Mixed into every draw: a different seed gives a different population for the same ids. */
  seed?: string;
  /** When the data already has a locale, the identity follows it (zh → Chinese, else British). */
  locale?: string | null;
  /** When the data says the customer's gender, the first name follows it; else any first name. */
  gender?: Gender | null;
}

export type Gender = 'female' | 'male';

/** The share of Chinese identities when the locale is not given. */
export const CHINESE_SHARE = 0.4;
/** Chance of marketing consent per channel, and of electronic delivery. */
export const MARKETING_CONSENT_SHARE: Record<ChannelKind, number> = { print: 0.7, email: 0.55, sms: 0.35 };
export const E_DELIVERY_SHARE = 0.5;

/**
 * A deterministic made-up identity (name, contact points, address) for a data set without names: the same id
 * and seed give the same person.
 */
export function syntheticIdentity(id: string, options: SyntheticIdentityOptions = {}): SyntheticIdentity {
  const seed = options.seed ?? '';
  const rng = (aspect: string): SeededRandom => seededRandom('missive-identity-v1', seed, id, aspect);
  const culture = cultureFor(options.locale, rng('culture'));
  const number = idNumber(id);
  const suffix = number === undefined ? String(1000 + (hash32(`${seed}\u0000${id}`) % 9000)) : String(number);
  const person =
    culture === 'zh-CN'
      ? chinesePerson(rng('name'), suffix, options.gender ?? null)
      : westernPerson(rng('name'), suffix, options.gender ?? null);
  return {
    culture,
    name: person.name,
    locale: culture,
    timeZone: culture === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
    email: person.email,
    phone:
      culture === 'zh-CN' ? chineseMobile(rng('phone'), number, seed) : ukMobile(rng('phone'), number, seed),
    address: culture === 'zh-CN' ? chineseAddress(rng('address')) : ukAddress(rng('address')),
    consent: syntheticConsent(rng('consent')),
    eDelivery: rng('e-delivery').chance(E_DELIVERY_SHARE),
  };
}

/** The identity as the customer record it becomes (everything but the traits). */
export function synthesizeIdentity(
  id: string,
  options: SyntheticIdentityOptions = {},
): Omit<Customer, 'traits'> {
  const { culture: _culture, ...identity } = syntheticIdentity(id, options);
  return { id, ...identity };
}

function cultureFor(locale: string | null | undefined, rng: SeededRandom): IdentityCulture {
  if (locale) return /^zh\b/i.test(locale) ? 'zh-CN' : 'en-GB';
  return rng.chance(CHINESE_SHARE) ? 'zh-CN' : 'en-GB';
}

/** The number an id ends in ("12" → 12, "C000012" → 12), when it has one of at most 8 digits. */
function idNumber(id: string): number | undefined {
  const match = /^[A-Za-z_-]*(\d{1,8})$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/**
 * Eight digits: a bijection of the id's number (so distinct numbers never share a phone number),
 * or hashed digits for other ids. 69069 is coprime with 10^8, so n ↦ (69069 n + c) mod 10^8 is one-to-one.
 */
function eightDigits(rng: SeededRandom, number: number | undefined, seed: string): string {
  const value =
    number === undefined
      ? rng.int(100_000_000)
      : (number * 69069 + (hash32(seed) % 100_000_000)) % 100_000_000;
  return String(value).padStart(8, '0');
}

function chineseMobile(rng: SeededRandom, number: number | undefined, seed: string): string {
  // 11 digits: 1, a network digit 3–9, one more digit, then eight.
  return `+861${rng.between(3, 9)}${rng.int(10)}${eightDigits(rng, number, seed)}`;
}

function ukMobile(rng: SeededRandom, number: number | undefined, seed: string): string {
  // +44 7 then nine digits: 07[4-9]x xxxxxxx in national form.
  return `+447${rng.pick(UK_NETWORK_DIGITS)}${eightDigits(rng, number, seed)}`;
}

function chinesePerson(
  rng: SeededRandom,
  suffix: string,
  gender: Gender | null,
): { name: string; email: string } {
  const [surname, surnamePinyin] = rng.pick(CHINESE_SURNAMES);
  const givenNames =
    gender === 'female'
      ? CHINESE_FEMALE_GIVEN_NAMES
      : gender === 'male'
        ? CHINESE_MALE_GIVEN_NAMES
        : CHINESE_GIVEN_NAMES;
  const [given, givenPinyin] = rng.pick(givenNames);
  return { name: `${surname}${given}`, email: `${surnamePinyin}.${givenPinyin}${suffix}@example.net` };
}

function westernPerson(
  rng: SeededRandom,
  suffix: string,
  gender: Gender | null,
): { name: string; email: string } {
  const givenNames =
    gender === 'female'
      ? WESTERN_FEMALE_GIVEN_NAMES
      : gender === 'male'
        ? WESTERN_MALE_GIVEN_NAMES
        : WESTERN_GIVEN_NAMES;
  const given = rng.pick(givenNames);
  const surname = rng.pick(WESTERN_SURNAMES);
  const local = `${given}.${surname}`.toLowerCase().replace(/[^a-z.]/g, '');
  return { name: `${given} ${surname}`, email: `${local}${suffix}@example.com` };
}

function chineseAddress(rng: SeededRandom): PostalAddress {
  const city = rng.pick(CHINESE_CITIES);
  const district = rng.pick(city.districts);
  const street = rng.pick(city.streets);
  const building = rng.between(1, 30);
  const room = `${rng.between(1, 32)}${String(rng.between(1, 8)).padStart(2, '0')}`;
  return {
    lines: [`${district.name}${street}${rng.between(1, 999)}号`, `${building}号楼${room}室`],
    postalCode: district.postalCode,
    city: city.city,
    country: 'CN',
  };
}

function ukAddress(rng: SeededRandom): PostalAddress {
  const town = rng.pick(UK_TOWNS);
  const street = `${rng.between(1, 180)} ${rng.pick(UK_STREET_NAMES)} ${rng.pick(UK_STREET_KINDS)}`;
  const flat = rng.chance(0.2) ? [`Flat ${rng.between(1, 24)}`] : [];
  const inward = `${rng.int(10)}${rng.pick(INWARD)}${rng.pick(INWARD)}`;
  return {
    lines: [...flat, street],
    postalCode: `${rng.pick(town.outward)} ${inward}`,
    city: town.city,
    country: 'GB',
  };
}

const INWARD = [...UK_INWARD_LETTERS];
const UK_NETWORK_DIGITS = ['4', '5', '7', '8', '9'];

function syntheticConsent(rng: SeededRandom): Record<ChannelKind, Consent> {
  return {
    print: { service: true, marketing: rng.chance(MARKETING_CONSENT_SHARE.print) },
    email: { service: true, marketing: rng.chance(MARKETING_CONSENT_SHARE.email) },
    sms: { service: true, marketing: rng.chance(MARKETING_CONSENT_SHARE.sms) },
  };
}
