import type { Kysely } from 'kysely';
import {
  appendEvent,
  type CommunicationRecord,
  type Database,
  findCommunicationByDeliveryKey,
  findCommunicationByProviderId,
  setProviderStatus,
  transitionCommunicationStatus,
} from '../store/index.ts';

/**
 * What a Twilio status callback does to the ledger, once per (message, status) however often Twilio
 * retries it (RELIABILITY N7: the event is deduplicated on the provider's id). The callback's URL
 * carries the delivery key, so it also settles a send whose HTTP answer was lost (`unknown` → `sent`);
 * `undelivered`/`failed` move a sent message to `failed` with Twilio's error code, as a bounce.
 */
export interface TwilioStatusParams {
  MessageSid: string;
  MessageStatus: string;
  ErrorCode?: string | undefined;
  To?: string | undefined;
}

const EVENT_TYPE: Record<string, string> = {
  queued: 'queued',
  accepted: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'bounced',
  failed: 'bounced',
  read: 'opened',
};

/**
 * Records a Twilio status callback once (by its id) and moves the communication's status. Unknown messages
 * are recorded, not applied.
 */
export async function applyTwilioStatus(
  db: Kysely<Database>,
  params: TwilioStatusParams,
  deliveryKey: string | undefined,
): Promise<{ recorded: boolean; communicationId: string | null }> {
  const comm =
    (deliveryKey ? await findCommunicationByDeliveryKey(db, deliveryKey) : undefined) ??
    (await findCommunicationByProviderId(db, params.MessageSid));
  const status = params.MessageStatus.toLowerCase();
  const recorded = await appendEvent(db, {
    source: 'twilio',
    sourceId: `${params.MessageSid}:${status}`,
    type: EVENT_TYPE[status] ?? `status-${status}`,
    communicationId: comm?.id ?? null,
    customerId: comm?.customerId ?? null,
    payload: {
      messageSid: params.MessageSid,
      status,
      ...(params.ErrorCode ? { errorCode: params.ErrorCode } : {}),
    },
    occurredAt: new Date().toISOString(),
  });
  if (recorded && comm) await updateLedger(db, comm, params, status);
  return { recorded, communicationId: comm?.id ?? null };
}

async function updateLedger(
  db: Kysely<Database>,
  comm: CommunicationRecord,
  params: TwilioStatusParams,
  status: string,
): Promise<void> {
  if (comm.status === 'unknown' || comm.status === 'sending') {
    await transitionCommunicationStatus(db, comm.id, {
      from: ['unknown', 'sending'],
      to: 'sent',
      reason: `reconciled by status callback (${status})`,
      patch: { providerId: params.MessageSid },
    });
  }
  const errorCode = params.ErrorCode ? `twilio-${params.ErrorCode}` : undefined;
  await setProviderStatus(db, comm.id, status, errorCode ? { errorCode } : {});
  if (status === 'undelivered' || status === 'failed') {
    await transitionCommunicationStatus(db, comm.id, {
      from: ['sent'],
      to: 'failed',
      reason: `${status} (Twilio ${params.ErrorCode ?? 'no code'})`,
      code: errorCode ?? null,
    });
  }
}
