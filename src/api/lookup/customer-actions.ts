import type { Kysely } from 'kysely';
import type { ChannelKind, Consent } from '../../core/types.ts';
import { changeContactPreferences, recordCallNote } from '../../feedback/index.ts';
import type { Database } from '../../store/index.ts';
import { maskPans } from '../mask.ts';
import { requireCustomer } from './customer-access.ts';

/** A call's outcome, for notes. */
export const CALL_OUTCOMES = ['resolved', 'callback', 'complaint', 'information', 'other'] as const;

export interface PreferencesBody {
  id: string;
  consent?: Partial<Record<ChannelKind, Partial<Consent>>>;
  eDelivery?: boolean;
  doNotContact?: boolean;
  reason: string;
}

export interface NoteBody {
  id: string;
  text: string;
  outcome?: string;
}

/**
 * An agent changes how the customer may be reached (consent per channel, paperless, do not
 * contact: src/feedback/contact-preferences.ts), with the customer's reason (card numbers masked).
 * An unknown customer is MSV_STORE_NOT_FOUND; a retried post (same `id`) changes once.
 */
export async function changePreferences(
  db: Kysely<Database>,
  customerId: string,
  body: PreferencesBody,
  meta: { actor: string; at: string },
) {
  await requireCustomer(db, customerId);
  return changeContactPreferences(
    db,
    customerId,
    {
      consent: body.consent,
      eDelivery: body.eDelivery,
      doNotContact: body.doNotContact,
      reason: maskPans(body.reason),
    },
    { source: 'call-center', clientId: body.id, actor: meta.actor, at: meta.at },
  );
}

/** A free call note on the customer's timeline (card numbers masked); MSV_STORE_NOT_FOUND if unknown. */
export async function writeNote(
  db: Kysely<Database>,
  customerId: string,
  body: NoteBody,
  meta: { actor: string; at: string },
) {
  await requireCustomer(db, customerId);
  return recordCallNote(
    db,
    customerId,
    { clientId: body.id, text: maskPans(body.text), outcome: body.outcome },
    { actor: meta.actor, at: meta.at },
  );
}
