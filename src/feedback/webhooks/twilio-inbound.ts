import type { Kysely } from 'kysely';
import twilio from 'twilio';
import { type Database, findCustomerIdsByPhone, findLastSentCommunicationId } from '../../store/index.ts';
import { type RecordResult, recordFeedbackEvent, recordSmsUnsubscribe } from '../events.ts';
import { communicationDecision } from '../model-stats.ts';
import type { SuccessRules } from '../success.ts';

/**
 * Inbound SMS from Twilio (a reply to one of our messages). The request's X-Twilio-Signature is
 * checked first, against the exact public URL and every form parameter (RELIABILITY S5), with the
 * twilio library's own validateRequest. Then one event per MessageSid (a retried webhook is the
 * same event, RELIABILITY N7): STOP and friends (English and Chinese) unsubscribe the customer from marketing
 * SMS; YES/Y/是 accepts the offer of the last SMS we sent to that number; anything else is a reply
 * to that SMS. Message bodies are stored truncated and never logged.
 */

export type SmsKeyword = 'stop' | 'yes' | null;

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', '退订', 'TD']);
const YES = new Set(['YES', 'Y', '是', '是的']);

/** The keyword of a message body: trimmed, NFKC (full-width letters), case and end punctuation ignored. */
export function smsKeyword(body: string): SmsKeyword {
  const word = body
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!?。！？,，]+$/u, '')
    .toUpperCase();
  if (STOP.has(word)) return 'stop';
  if (YES.has(word)) return 'yes';
  return null;
}

/** Whether a webhook's X-Twilio-Signature matches its URL and parameters (RELIABILITY S5). */
export function isSignedByTwilio(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  return typeof signature === 'string' && twilio.validateRequest(authToken, signature, url, params);
}

export interface InboundOutcome extends RecordResult {
  action: 'unsubscribed' | 'accepted' | 'replied' | 'unknown-sender';
  communicationId: string | null;
  offerId: string | null;
}

/**
 * An SMS reply: STOP-like keywords unsubscribe from marketing, other replies are events of the last SMS
 * sent; each message once.
 */
export async function handleInboundSms(
  db: Kysely<Database>,
  params: Record<string, string>,
  rules: SuccessRules,
  now: Date,
): Promise<InboundOutcome> {
  const sid = params.MessageSid ?? params.SmsSid ?? '';
  const from = params.From ?? '';
  const body = params.Body ?? '';
  const keyword = smsKeyword(body);
  const customerIds = await findCustomerIdsByPhone(db, from);
  const last = await lastSentSms(db, customerIds);
  const customerId = last?.customerId ?? customerIds[0] ?? null;
  const offerId = last?.offerIds[0] ?? null;
  const base = {
    source: 'twilio',
    sourceId: sid,
    customerId,
    communicationId: last?.communicationId ?? null,
    occurredAt: now.toISOString(),
    payload: { messageSid: sid, keyword, body: body.slice(0, 320) },
  };
  if (customerId === null) {
    const r = await recordFeedbackEvent(db, { ...base, type: 'replied' }, rules);
    return { ...r, action: 'unknown-sender', communicationId: null, offerId: null };
  }
  if (keyword === 'stop') {
    let result: RecordResult = { recorded: false, success: false };
    for (const [i, id] of customerIds.entries()) {
      const r = await recordSmsUnsubscribe(
        db,
        { ...base, type: 'unsubscribed', sourceId: i === 0 ? sid : `${sid}:${id}`, customerId: id },
        rules,
      );
      if (i === 0) result = r;
    }
    return { ...result, action: 'unsubscribed', communicationId: base.communicationId, offerId: null };
  }
  const type = keyword === 'yes' && offerId ? 'accepted' : 'replied';
  const r = await recordFeedbackEvent(db, { ...base, type, offerId }, rules);
  return { ...r, action: type, communicationId: base.communicationId, offerId };
}

async function lastSentSms(db: Kysely<Database>, customerIds: readonly string[]) {
  const id = await findLastSentCommunicationId(db, customerIds, 'sms');
  return id ? communicationDecision(db, id) : undefined;
}
