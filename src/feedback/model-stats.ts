import type { Kysely } from 'kysely';
import { type Decision, loadModel } from '../rules/index.ts';
import {
  addModelStats,
  type Database,
  type EventRecord,
  getCommunicationWithDecision,
  insertContributionIfAbsent,
  inTransaction,
  pageCommunicationIds,
  pageOfferEvents,
  parseJson,
} from '../store/index.ts';
import { isSuccess, type SuccessRules } from './success.ts';

/**
 * Events → the response statistics per (offer, segment) that the rules rank with. An exposure is a
 * sent communication whose decision was treated (not holdout) and placed the offer; a success is the
 * first success event (per communication type, success.ts) of that communication and offer, from a
 * person (events flagged `machine` never count). Each is recorded once in
 * `model_stat_contributions` and added to `model_stats` in the same transaction, so replaying an
 * event or re-synchronising changes nothing. The model version is the content hash of the
 * statistics (rules/ranking.ts modelSnapshot): it changes exactly when a count does.
 */

const SENT_STATUSES = ['sent'] as const;

export interface CommunicationDecision {
  communicationId: string;
  runId: string;
  customerId: string;
  status: string;
  communicationType: string;
  segment: string;
  holdout: boolean;
  offerIds: string[];
}

export async function communicationDecision(
  db: Kysely<Database>,
  communicationId: string,
): Promise<CommunicationDecision | undefined> {
  const row = await getCommunicationWithDecision(db, communicationId);
  if (!row) return undefined;
  const decision = parseJson<Pick<Decision, 'segment' | 'offers'>>(row.decision);
  return {
    communicationId: row.id,
    runId: row.run_id,
    customerId: row.customer_id,
    status: row.status,
    communicationType: row.communication_type,
    segment: decision.segment,
    holdout: Number(row.holdout) === 1,
    offerIds: (decision.offers ?? []).map((o) => o.offerId),
  };
}

/** Counts the exposures of one communication (once); returns how many were new. */
export async function recordExposures(db: Kysely<Database>, communicationId: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const cd = await communicationDecision(trx, communicationId);
    if (!cd || cd.holdout || !(SENT_STATUSES as readonly string[]).includes(cd.status)) return 0;
    let added = 0;
    for (const offerId of cd.offerIds) {
      if (await contribute(trx, 'exposure', cd, offerId, null)) added++;
    }
    return added;
  });
}

/**
 * Counts the event as a success when it is one for its communication's type and offer; the
 * communication's exposure is counted first, so successes never exceed exposures.
 */
export async function recordSuccess(
  db: Kysely<Database>,
  event: Pick<EventRecord, 'id' | 'type' | 'communicationId' | 'offerId' | 'payload'>,
  rules: SuccessRules,
): Promise<boolean> {
  if (!event.communicationId || !event.offerId || event.payload.machine === true) return false;
  const communicationId = event.communicationId;
  const offerId = event.offerId;
  return inTransaction(db, async (trx) => {
    const cd = await communicationDecision(trx, communicationId);
    if (!cd || cd.holdout || !cd.offerIds.includes(offerId)) return false;
    if (!isSuccess(rules, cd.communicationType, event.type)) return false;
    await contribute(trx, 'exposure', cd, offerId, null);
    return contribute(trx, 'success', cd, offerId, event.id);
  });
}

async function contribute(
  trx: Kysely<Database>,
  kind: 'exposure' | 'success',
  cd: CommunicationDecision,
  offerId: string,
  eventId: number | null,
): Promise<boolean> {
  const added = await insertContributionIfAbsent(trx, {
    key: `${kind === 'exposure' ? 'x' : 's'}|${cd.communicationId}|${offerId}`,
    kind,
    communicationId: cd.communicationId,
    offerId,
    segment: cd.segment,
    eventId,
  });
  if (!added) return false;
  await addModelStats(trx, [
    {
      offerId,
      segment: cd.segment,
      exposures: kind === 'exposure' ? 1 : 0,
      successes: kind === 'success' ? 1 : 0,
    },
  ]);
  return true;
}

export interface SyncResult {
  exposures: number;
  successes: number;
  modelVersion: string;
}

/**
 * Catches the statistics up with the ledger and the events: every sent communication's exposures,
 * every event's success. Idempotent; what `missive model update` runs.
 */
export async function syncModel(
  db: Kysely<Database>,
  rules: SuccessRules,
  options: { runId?: string } = {},
): Promise<SyncResult> {
  let exposures = 0;
  let successes = 0;
  let afterId = '';
  for (;;) {
    const page = await pageCommunicationIds(db, {
      statuses: SENT_STATUSES,
      afterId,
      limit: 500,
      runId: options.runId,
    });
    if (page.length === 0) break;
    for (const id of page) exposures += await recordExposures(db, id);
    afterId = page[page.length - 1]!;
  }
  let afterEvent = 0;
  for (;;) {
    const page = await pageOfferEvents(db, afterEvent, 500);
    if (page.length === 0) break;
    for (const event of page) {
      if (await recordSuccess(db, event, rules)) successes++;
    }
    afterEvent = page[page.length - 1]!.id;
  }
  return { exposures, successes, modelVersion: (await loadModel(db)).version };
}
