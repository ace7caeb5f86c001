import type { Kysely } from 'kysely';
import { sha256Hex } from '../core/hash.ts';
import { type Database, getCommunication, listCommunicationStatusHistory } from '../store/index.ts';
import { type RecordResult, recordFeedbackEvent } from './events.ts';
import { classifyTraffic } from './machine-traffic.ts';
import type { SuccessRules } from './success.ts';
import type { TrackingClaims } from './tracking-token.ts';

/**
 * A verified click or open → an event. Deduplicated per token, per kind of visitor (person or
 * machine) and per time bucket (clicks 10 minutes, opens 1 hour): a double click, a reload or a
 * scanner's retry make one event, a scanner's prefetch never swallows the person's click, and the
 * model counts at most one success per communication and offer anyway.
 */

const CLICK_BUCKET_MS = 10 * 60_000;
const OPEN_BUCKET_MS = 60 * 60_000;

export interface TrackingRequest {
  token: string;
  method: string;
  userAgent: string | undefined;
  nowMs: number;
}

/**
 * Records a click or open of a tracked link once, marking machine traffic (scanners, prefetch) so it does
 * not count as a response.
 */
export async function recordTrackingEvent(
  db: Kysely<Database>,
  claims: TrackingClaims,
  request: TrackingRequest,
  rules: SuccessRules,
): Promise<RecordResult & { machine: boolean }> {
  const communication = await getCommunication(db, claims.communicationId);
  const sentAt = communication ? await sentTime(db, communication.id) : undefined;
  const verdict = classifyTraffic({
    userAgent: request.userAgent,
    method: request.method,
    ...(sentAt === undefined ? {} : { sinceSentMs: request.nowMs - sentAt }),
  });
  const click = claims.purpose === 'click';
  const bucket = Math.floor(request.nowMs / (click ? CLICK_BUCKET_MS : OPEN_BUCKET_MS));
  const result = await recordFeedbackEvent(
    db,
    {
      source: 'tracking',
      sourceId: `${click ? 'click' : 'open'}:${sha256Hex(request.token).slice(0, 32)}:${verdict.machine ? 'm' : 'h'}:${bucket}`,
      type: click ? 'clicked' : 'opened',
      communicationId: claims.communicationId,
      customerId: communication?.customerId ?? null,
      offerId: claims.offerId,
      payload: {
        machine: verdict.machine,
        ...(verdict.reason ? { machineReason: verdict.reason } : {}),
        ...(click ? { target: claims.target } : {}),
      },
      occurredAt: new Date(request.nowMs).toISOString(),
    },
    rules,
  );
  return { ...result, machine: verdict.machine };
}

async function sentTime(db: Kysely<Database>, communicationId: string): Promise<number | undefined> {
  const history = await listCommunicationStatusHistory(db, communicationId);
  const sent = history.find((h) => h.status === 'sent');
  return sent ? Date.parse(sent.at) : undefined;
}
