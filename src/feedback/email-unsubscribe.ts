import type { Kysely } from 'kysely';
import { type Database, findCommunicationByDeliveryKey, setCustomerConsent } from '../store/index.ts';
import { type RecordResult, recordFeedbackEvent } from './events.ts';
import type { SuccessRules } from './success.ts';

export interface EmailUnsubscribeOutcome extends RecordResult {
  /** False when no communication has this delivery key. */
  found: boolean;
}

/**
 * One-click unsubscribe (RFC 8058) from a marketing email's `List-Unsubscribe` link
 * (`/unsubscribe/<delivery key>`, src/channels/smtp.ts): the customer's marketing consent for email
 * is turned off and an `unsubscribed` event is recorded, once per delivery key however often the
 * mail client or the customer posts it.
 */
export async function recordEmailUnsubscribe(
  db: Kysely<Database>,
  deliveryKey: string,
  rules: SuccessRules,
  now: Date,
): Promise<EmailUnsubscribeOutcome> {
  const communication = await findCommunicationByDeliveryKey(db, deliveryKey);
  if (communication?.channel !== 'email') {
    return { found: false, recorded: false, success: false };
  }
  const customerId = communication.customerId;
  const result = await recordFeedbackEvent(
    db,
    {
      source: 'list-unsubscribe',
      sourceId: deliveryKey,
      type: 'unsubscribed',
      customerId,
      communicationId: communication.id,
      occurredAt: now.toISOString(),
      payload: { channel: 'email', scope: 'email-marketing' },
    },
    rules,
    async (trx) => void (await setCustomerConsent(trx, customerId, 'email', 'marketing', false)),
  );
  return { ...result, found: true };
}
