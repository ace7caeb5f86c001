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
