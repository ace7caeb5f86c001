import type { Kysely } from 'kysely';
import {
  appendEvent,
  type Database,
  getEventIdBySource,
  inTransaction,
  type NewEvent,
  setCustomerConsent,
  setCustomerTrait,
} from '../store/index.ts';
import { recordSuccess } from './model-stats.ts';
import type { SuccessRules } from './success.ts';

/**
 * The one way feedback enters: the event goes into the append-only table, deduplicated on the
 * source's own id (a replayed webhook makes one event, RELIABILITY N7), and — only when it is new —
 * its effects follow in the same transaction: the model statistics, consent, traits.
 *
 * Event types: delivered, bounced, failed (channels); opened, clicked (tracking); replied,
 * accepted, unsubscribed (SMS); disposition (call center, payload.outcome); converted (imports).
 * A declined offer is `disposition` with outcome `declined`, which the rules read as a decline
 * (rules/context-loader.ts) and suppress for the catalog's `declineCooldownDays`.
 */

export const FEEDBACK_EVENT_TYPES = [
  'delivered',
  'bounced',
  'failed',
  'opened',
  'clicked',
  'replied',
  'accepted',
  'declined',
  'converted',
  'unsubscribed',
  'disposition',
] as const;

export interface RecordResult {
  /** False: the source already reported this event (nothing changed). */
  recorded: boolean;
  /** The event counted as a success in the model. */
  success: boolean;
}

/**
 * Appends an event once (by source id, RELIABILITY N7) and, when new, its effects and model statistics, in
 * one transaction.
 */
export async function recordFeedbackEvent(
  db: Kysely<Database>,
  event: NewEvent,
  rules: SuccessRules,
  effects?: (trx: Kysely<Database>) => Promise<void>,
): Promise<RecordResult> {
  return inTransaction(db, async (trx) => {
    if (!(await appendEvent(trx, event))) return { recorded: false, success: false };
    const eventId = await getEventIdBySource(trx, event.source, event.sourceId);
    if (effects) await effects(trx);
    const success = await recordSuccess(
      trx,
      {
        id: eventId,
        type: event.type,
        communicationId: event.communicationId ?? null,
        offerId: event.offerId ?? null,
        payload: event.payload ?? {},
      },
      rules,
    );
    return { recorded: true, success };
  });
}

/** Call-center outcomes: what each does besides being recorded. */
export const DISPOSITIONS = [
  'accepted',
  'not-interested',
  'callback',
  'no-answer',
  'wrong-address',
  'do-not-contact',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export interface DispositionInput {
  /** The call center's own id for this disposition (dedup key). */
  sourceId: string;
  customerId: string;
  disposition: Disposition;
  communicationId?: string | null;
  offerId?: string | null;
  /** Agent id (never a name). */
  agent?: string;
  at: string;
}

/**
 * A disposition from the call center UI or API. `not-interested` → a decline of the offer (the rules
 * suppress it for the cooldown); `accepted` → an acceptance; `wrong-address` → the trait
 * `addressUnreliable` = true; `do-not-contact` → an unsubscribe from all marketing.
 */
export async function recordDisposition(
  db: Kysely<Database>,
  input: DispositionInput,
  rules: SuccessRules,
): Promise<RecordResult> {
  const base = {
    source: 'call-center',
    sourceId: input.sourceId,
    customerId: input.customerId,
    communicationId: input.communicationId ?? null,
    offerId: input.offerId ?? null,
    occurredAt: input.at,
  };
  const payload = { disposition: input.disposition, ...(input.agent ? { agent: input.agent } : {}) };
  switch (input.disposition) {
    case 'accepted':
      return recordFeedbackEvent(db, { ...base, type: 'accepted', payload }, rules);
    case 'not-interested':
      return recordFeedbackEvent(
        db,
        { ...base, type: 'disposition', payload: { ...payload, outcome: 'declined' } },
        rules,
      );
    case 'wrong-address':
      return recordFeedbackEvent(
        db,
        { ...base, type: 'disposition', payload: { ...payload, outcome: 'wrong-address' } },
        rules,
        async (trx) => void (await setCustomerTrait(trx, input.customerId, 'addressUnreliable', true)),
      );
    case 'do-not-contact':
      return recordFeedbackEvent(
        db,
        { ...base, type: 'unsubscribed', payload: { ...payload, scope: 'marketing' } },
        rules,
      );
    default:
      return recordFeedbackEvent(
        db,
        { ...base, type: 'disposition', payload: { ...payload, outcome: input.disposition } },
        rules,
      );
  }
}

/** STOP by SMS: marketing consent for SMS off, and the event that says so. */
export async function recordSmsUnsubscribe(
  db: Kysely<Database>,
  event: NewEvent & { customerId: string },
  rules: SuccessRules,
): Promise<RecordResult> {
  return recordFeedbackEvent(
    db,
    { ...event, type: 'unsubscribed', payload: { ...event.payload, channel: 'sms', scope: 'sms-marketing' } },
    rules,
    async (trx) => void (await setCustomerConsent(trx, event.customerId, 'sms', 'marketing', false)),
  );
}
