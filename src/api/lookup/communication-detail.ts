import type { Kysely } from 'kysely';
import type { Decision } from '../../rules/index.ts';
import {
  type CommunicationRecord,
  type Database,
  getDecision,
  getRun,
  listCommunicationStatusHistory,
  listEvents,
  type RunRecord,
  type StoredDecision,
} from '../../store/index.ts';
import { type TimelineEvent, toTimelineEvent } from './timeline.ts';

/** What is known of one communication besides its bytes: its run, decision, dispatch history, events. */
export interface CommunicationDetail {
  run: RunRecord | undefined;
  stored: StoredDecision<Decision> | undefined;
  history: Awaited<ReturnType<typeof listCommunicationStatusHistory>>;
  /** Newest first, at most `eventLimit`; dispositions' notes with card numbers masked. */
  events: TimelineEvent[];
}

/**
 * The run, the decision, the status history and the events of an already authorized communication
 * (authorizeCommunication or readCommunicationDocument, which audit): four queries in parallel.
 */
export async function communicationDetail(
  db: Kysely<Database>,
  communication: CommunicationRecord,
  eventLimit: number,
): Promise<CommunicationDetail> {
  const [run, stored, history, events] = await Promise.all([
    getRun(db, communication.runId),
    getDecision<Decision>(db, communication.runId, communication.customerId),
    listCommunicationStatusHistory(db, communication.id),
    listEvents(db, { communicationId: communication.id, limit: eventLimit }),
  ]);
  return { run, stored, history, events: events.map(toTimelineEvent) };
}
