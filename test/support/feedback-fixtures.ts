import type { Kysely } from 'kysely';
import type { ChannelKind, Customer } from '../../src/core/types.ts';
import { insertCommunicationIfAbsent, setCommunicationStatus } from '../../src/store/communications.ts';
import { upsertCustomers } from '../../src/store/customers.ts';
import { saveDecisionIfAbsent } from '../../src/store/decisions.ts';
import { createRunIfAbsent } from '../../src/store/runs.ts';
import type { Database } from '../../src/store/schema.ts';

/** Feedback tests: a customer, a run, its decision and a sent communication, written through the store. */

export function feedbackCustomer(id: string, phone = '+447700900123'): Customer {
  return {
    id,
    name: 'Test Customer',
    locale: 'en-GB',
    timeZone: 'Europe/London',
    email: `${id}@example.test`,
    phone,
    address: { lines: ['1 Test Street'], postalCode: 'T1 1TT', city: 'Testville', country: 'GB' },
    consent: {
      print: { service: true, marketing: true },
      email: { service: true, marketing: true },
      sms: { service: true, marketing: true },
    },
    eDelivery: true,
    traits: { age: 30, balance: 2500, hasCreditDefault: false, job: 'management', marital: 'single' },
  };
}

export interface SentCommunication {
  runId: string;
  customerId: string;
  channel: ChannelKind;
  communicationType?: string;
  segment?: string;
  offers: string[];
  holdout?: boolean;
  providerId?: string;
  phone?: string;
  /** Its ledger status (default `sent`; a letter: `archived`, `mailed`…). */
  status?: 'sent' | 'archived' | 'in_print_file' | 'printed' | 'mailed' | 'spoiled';
}

/** Seeds everything and returns the communication id (status `sent` unless told). */
export async function seedSentCommunication(db: Kysely<Database>, s: SentCommunication): Promise<string> {
  await upsertCustomers(db, [feedbackCustomer(s.customerId, s.phone)]);
  const communicationType = s.communicationType ?? 'cross-sell-promotion';
  await createRunIfAbsent(db, {
    id: s.runId,
    communicationType,
    templateVersionId: 'tpl@test',
    asOf: '2026-10-31',
    source: 'test',
  });
  await saveDecisionIfAbsent(db, {
    runId: s.runId,
    customerId: s.customerId,
    communicationType,
    catalogVersion: 'bank@test',
    modelVersion: 'prior-only',
    seed: 'seed',
    holdout: s.holdout ?? false,
    decision: {
      runId: s.runId,
      customerId: s.customerId,
      communicationType,
      asOf: '2026-10-31',
      segment: s.segment ?? '25-34|white-collar',
      holdout: s.holdout ?? false,
      offers: s.offers.map((offerId, slot) => ({ offerId, slot, propensity: 0.5 })),
    },
  });
  const { id } = await insertCommunicationIfAbsent(db, {
    runId: s.runId,
    customerId: s.customerId,
    channel: s.channel,
    templateVersionId: 'tpl@test',
    inputSha256: 'x',
  });
  await setCommunicationStatus(db, id, s.status ?? 'sent', null, { providerId: s.providerId ?? null });
  return id;
}
