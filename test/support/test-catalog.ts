import type { Customer } from '../../src/core/types.ts';
import type { Catalog, Offer } from '../../src/rules/catalog.ts';

/** A small catalog and customers for the unit tests (not shipped: the real ones are in catalogs/). */

const block = (headline: string) => ({ headline, body: `${headline}.` });
const content = (id: string) => ({
  print: { 'en-GB': block(id), 'zh-CN': block(id) },
  email: { 'en-GB': block(id), 'zh-CN': block(id) },
  sms: { 'en-GB': block(id), 'zh-CN': block(id) },
});

export function testOffer(id: string, extra: Partial<Offer> = {}): Offer {
  return {
    id,
    name: { 'en-GB': id, 'zh-CN': id },
    eligibility: true,
    prior: { weight: 1, alpha: 1, beta: 1 },
    content: content(id),
    ...extra,
  };
}

export function testCatalog(offers: Offer[] = defaultOffers(), extra: Partial<Catalog> = {}): Catalog {
  return {
    name: 'test',
    description: 'unit test catalog',
    locales: ['en-GB', 'zh-CN'],
    policy: {
      frequencyCap: { max: 2, days: 30 },
      quietHours: { start: '21:00', end: '08:00' },
      declineCooldownDays: 90,
    },
    traits: {
      traits: {
        age: { type: 'integer' },
        job: { type: 'string' },
        balance: { type: 'number' },
        hasHousingLoan: { type: 'boolean' },
      },
      computed: [
        {
          name: 'ageBand',
          type: 'string',
          rule: { if: [{ '<': [{ var: 'age' }, 35] }, 'young', 'older'] },
        },
      ],
      segmentation: { dimensions: ['ageBand', 'job'] },
      segments: [{ id: 'rich', rule: { '>=': [{ var: 'balance' }, 10000] } }],
    },
    communicationTypes: {
      statement: {
        purpose: 'service',
        paperByLaw: true,
        channels: ['email', 'print'],
        offerSlots: 2,
        holdout: 0,
      },
      promotion: {
        purpose: 'marketing',
        paperByLaw: false,
        channels: ['email', 'sms', 'print'],
        offerSlots: 1,
        holdout: 0,
      },
      reminder: {
        purpose: 'service',
        paperByLaw: false,
        channels: ['sms', 'email', 'print'],
        offerSlots: 0,
        holdout: 0,
      },
    },
    offers,
    offerFiles: Object.fromEntries(offers.map((o) => [o.id, 'offers/test.yaml'])),
    ...extra,
  };
}

function defaultOffers(): Offer[] {
  return [
    testOffer('deposit', {
      eligibility: { and: [{ '>=': [{ var: 'balance' }, 500] }, { '>=': [{ var: 'age' }, 18] }] },
    }),
    testOffer('mortgage', {
      eligibility: { '<': [{ var: 'age' }, 50] },
      heldWhen: { var: 'hasHousingLoan' },
    }),
    testOffer('card', { eligibility: { var: 'segments.rich' } }),
  ];
}

export function testCustomer(id = 'c1', extra: Partial<Customer> = {}): Customer {
  return {
    id,
    name: 'Test Customer',
    locale: 'en-GB',
    timeZone: 'Europe/London',
    email: `${id}@example.test`,
    phone: '+447700900123',
    address: { lines: ['1 High Street'], postalCode: 'AB1 2CD', city: 'London', country: 'GB' },
    consent: {
      print: { service: true, marketing: true },
      email: { service: true, marketing: true },
      sms: { service: true, marketing: true },
    },
    eDelivery: true,
    traits: { age: 30, job: 'technician', balance: 20000, hasHousingLoan: false },
    ...extra,
  };
}
