import { sha256Hex } from './hash.ts';

/**
 * One key per delivery (RELIABILITY N1): hash(run, customer, template version, channel). It is the
 * ledger's UNIQUE `delivery_key`, the BullMQ job id of the send, the SMTP Message-ID and the
 * provider's idempotency key, so every retry of a delivery is recognisably the same delivery.
 */
export function deliveryKey(
  runId: string,
  customerId: string,
  templateVersionId: string,
  channel: string,
): string {
  return `dk_${sha256Hex([runId, customerId, templateVersionId, channel].join('\u001f')).slice(0, 40)}`;
}
