import type { Kysely } from 'kysely';
import type { ChannelKind, CommunicationStatus } from '../../core/types.ts';
import {
  type CopyKind,
  type Database,
  type EventRecord,
  listCommunicationsForCustomer,
  listCustomerDecisionsInRuns,
  listCustomerEvents,
  listRunHeadings,
  parseJson,
} from '../../store/index.ts';
import { maskPans } from '../mask.ts';

export interface TimelineCommunication {
  id: string;
  runId: string;
  type: string | null;
  asOf: string | null;
  /**
   * The run that replaced this communication's run for its type and as-of (`missive run
   * --supersede`), or null: both are shown, the replaced one labelled, since the customer may hold both.
   */
  supersededBy: string | null;
  channel: ChannelKind;
  status: CommunicationStatus;
  reason: string | null;
  createdAt: string;
  pages: number | null;
  sha256: string | null;
  offers: string[];
  /**
   * What the provider reported about this message (Twilio status callbacks, the SMTP outcome),
   * newest first: folded into the message's row instead of rows of their own.
   */
  providerEvents: TimelineEvent[];
  /** An agent's copy (resend, re-print) or corrected version of another communication, and which. */
  copyOf: string | null;
  copyKind: CopyKind | null;
}

export interface TimelineEvent {
  id: number;
  type: string;
  source: string;
  communicationId: string | null;
  offerId: string | null;
  occurredAt: string;
  /** Dispositions: outcome, note (card numbers masked), agent. */
  payload: Record<string, unknown>;
}

/** Sources whose events report on a message Missive handed over (its delivery), not the customer's doing. */
const PROVIDER_SOURCES: ReadonlySet<string> = new Set(['twilio', 'smtp']);
/** Twilio's status callbacks as events (channels/twilio-status.ts) and an SMTP bounce (dispatch.ts). */
const PROVIDER_STATUS_TYPES: ReadonlySet<string> = new Set([
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'opened',
]);

/** A provider's report on one message: a status callback or a delivery outcome, not an inbound reply. */
export function isProviderStatus(e: Pick<TimelineEvent, 'source' | 'type' | 'communicationId'>): boolean {
  return (
    e.communicationId !== null &&
    PROVIDER_SOURCES.has(e.source) &&
    (PROVIDER_STATUS_TYPES.has(e.type) || e.type.startsWith('status-'))
  );
}

/**
 * Everything Missive sent a customer, newest first, across channels and runs, with each run's type
 * and as-of date and the offers its decision chose; and every event (delivery, clicks, the call
 * center's dispositions). A provider's reports on a message (Twilio's status callbacks, an SMTP
 * bounce) are folded into that message as `providerEvents`, newest first (events come newest first).
 * Four indexed queries, whatever the size of the ledger.
 */
export async function customerTimeline(
  db: Kysely<Database>,
  customerId: string,
  options: { limit?: number } = {},
): Promise<{ communications: TimelineCommunication[]; events: TimelineEvent[] }> {
  const limit = options.limit ?? 200;
  const communications = await listCommunicationsForCustomer(db, customerId, { limit });
  const runIds = [...new Set(communications.map((c) => c.runId))];
  const [runs, decisions, events] = await Promise.all([
    listRunHeadings(db, runIds),
    listCustomerDecisionsInRuns(db, customerId, runIds),
    listCustomerEvents(db, customerId, { limit }),
  ]);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const offersByRun = new Map(decisions.map((d) => [d.run_id, offerIdsOf(d.decision)]));
  const listed = new Set(communications.map((c) => c.id));
  const folded = new Map<string, TimelineEvent[]>();
  const rest: TimelineEvent[] = [];
  for (const e of events.map(toTimelineEvent)) {
    if (isProviderStatus(e) && listed.has(e.communicationId!)) {
      folded.set(e.communicationId!, [...(folded.get(e.communicationId!) ?? []), e]);
    } else rest.push(e);
  }
  return {
    communications: communications.map((c) => ({
      id: c.id,
      runId: c.runId,
      type: runById.get(c.runId)?.communication_type ?? null,
      asOf: runById.get(c.runId)?.as_of ?? null,
      supersededBy: runById.get(c.runId)?.superseded_by ?? null,
      channel: c.channel,
      status: c.status,
      reason: c.reason,
      createdAt: c.createdAt,
      pages: c.pages,
      sha256: c.artifactSha256,
      offers: offersByRun.get(c.runId) ?? [],
      providerEvents: folded.get(c.id) ?? [],
      copyOf: c.copyOf,
      copyKind: c.copyKind,
    })),
    events: rest,
  };
}

export function toTimelineEvent(e: EventRecord): TimelineEvent {
  const payload = Object.fromEntries(
    Object.entries(e.payload).map(([k, v]) => [k, typeof v === 'string' ? maskPans(v) : v]),
  );
  return {
    id: e.id,
    type: e.type,
    source: e.source,
    communicationId: e.communicationId,
    offerId: e.offerId,
    occurredAt: e.occurredAt,
    payload,
  };
}

function offerIdsOf(decisionJson: string): string[] {
  const decision = parseJson<{ offers?: { offerId?: unknown }[] }>(decisionJson);
  return (decision.offers ?? []).flatMap((o) => (typeof o.offerId === 'string' ? [o.offerId] : []));
}
