import type { Kysely } from 'kysely';
import type { ChannelKind, Consent, Customer, TraitValue } from '../core/types.ts';
import { canonicalJson, nowIso, parseJson } from './json.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/**
 * What feedback changes on a customer row: consent (an SMS STOP) and traits (an unreliable postal
 * address). Read-modify-write in one transaction, portable. `record_sha256` is deliberately left as
 * the imported record's hash, so re-importing the same file does not undo the change (an import with
 * a changed record for that customer does overwrite it: the events table keeps the fact).
 * Says whether the row changed.
 */
export async function setCustomerConsent(
  db: Kysely<Database>,
  customerId: string,
  channel: ChannelKind,
  purpose: keyof Consent,
  value: boolean,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('customers')
      .select('consent')
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!row) return false;
    const consent = parseJson<Customer['consent']>(row.consent);
    const current = consent[channel] ?? { service: false, marketing: false };
    if (current[purpose] === value) return false;
    consent[channel] = { ...current, [purpose]: value };
    await trx
      .updateTable('customers')
      .set({ consent: canonicalJson(consent), updated_at: nowIso() })
      .where('id', '=', customerId)
      .execute();
    return true;
  });
}

/** Sets one trait of a customer in a transaction; false when the customer does not exist, true otherwise. */
export async function setCustomerTrait(
  db: Kysely<Database>,
  customerId: string,
  name: string,
  value: TraitValue,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('customers')
      .select('traits')
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!row) return false;
    const traits = parseJson<Customer['traits']>(row.traits);
    if (traits[name] === value) return false;
    traits[name] = value;
    await trx
      .updateTable('customers')
      .set({ traits: canonicalJson(traits), updated_at: nowIso() })
      .where('id', '=', customerId)
      .execute();
    return true;
  });
}

/** Customers whose phone is exactly this E.164 number (normally one). */
export async function findCustomerIdsByPhone(db: Kysely<Database>, phone: string): Promise<string[]> {
  const rows = await db.selectFrom('customers').select('id').where('phone', '=', phone).execute();
  return rows.map((r) => r.id);
}

/**
 * Events that change a customer's consent after the customer file was written: an agent's or the
 * customer's own change, a do-not-contact, an unsubscribe (link or STOP). A later import of an older
 * file keeps what they set (store/customers.ts, consentChangesAfter).
 */
export const CONSENT_EVENT_TYPES: readonly string[] = ['consent-changed', 'do-not-contact', 'unsubscribed'];

/** What a customer's contact preferences were and became (consent per channel, e-delivery). */
export interface ContactPreferences {
  consent: Customer['consent'];
  eDelivery: boolean;
}

/**
 * Applies a change of contact preferences (a call-center agent's or the customer's own), in the
 * caller's transaction; `record_sha256` stays the imported record's, as for an SMS STOP. Undefined
 * when the customer does not exist.
 */
export async function setContactPreferences(
  db: Kysely<Database>,
  customerId: string,
  change: (current: ContactPreferences) => ContactPreferences,
): Promise<{ before: ContactPreferences; after: ContactPreferences } | undefined> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('customers')
      .select(['consent', 'e_delivery'])
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!row) return undefined;
    const before = {
      consent: parseJson<Customer['consent']>(row.consent),
      eDelivery: Number(row.e_delivery) === 1,
    };
    const after = change(structuredClone(before));
    await trx
      .updateTable('customers')
      .set({
        consent: canonicalJson(after.consent),
        e_delivery: after.eDelivery ? 1 : 0,
        updated_at: nowIso(),
      })
      .where('id', '=', customerId)
      .execute();
    return { before, after };
  });
}
