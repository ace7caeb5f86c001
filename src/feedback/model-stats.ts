import type { Kysely } from 'kysely';
import { type Decision, loadModel } from '../rules/index.ts';
import {
  addModelStats,
  type Database,
  type EventRecord,
  getCommunication,
  getCommunicationWithDecision,
  insertContributionIfAbsent,
  inTransaction,
  pageCommunicationIds,
  pageOfferEvents,
  pagePrintedLetterIds,
  parseJson,
} from '../store/index.ts';
import { isSuccess, type SuccessRules } from './success.ts';

/**
 * Events → the response statistics per (offer, segment) that the rules rank with. An exposure is a
 * communication that went out — an e-mail or SMS when `sent`, a letter when handed to the print
 * house in a print file — whose decision was treated (not holdout) and placed the offer; a success is the
 * first success event (per communication type, success.ts) of that communication and offer, from a
 * person (events flagged `machine` never count). Each is recorded once in
 * `model_stat_contributions` and added to `model_stats` in the same transaction, so replaying an
 * event or re-synchronising changes nothing. The model version is the content hash of the
 * statistics (rules/ranking.ts modelSnapshot): it changes exactly when a count does.
 */

const SENT_STATUSES = ['sent'] as const;
/**
 * A letter's ledger statuses when its print file is made: `archived` (no channel sends a letter), or
 * those of the print lifecycle that follow it (in a print file, printed, mailed).
 */
const PRINTED_STATUSES: readonly string[] = ['archived', 'sent', 'in_print_file', 'printed', 'mailed'];
/** Letters counted per transaction. */
const LETTERS_PER_COMMIT = 500;

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

/** Counts the exposures of one sent communication (once); returns how many were new. */
export async function recordExposures(db: Kysely<Database>, communicationId: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const cd = await communicationDecision(trx, communicationId);
    if (!cd || !(SENT_STATUSES as readonly string[]).includes(cd.status)) return 0;
    return countExposures(trx, cd);
  });
}

/**
 * Counts the exposures of letters handed to the print house (their print files made), once each:
 * a letter is exposed when it is printed, as an e-mail is when sent — not only when its QR code is
 * scanned, which would make every counted letter a success. Ids that are not printed letters are
 * passed over. Returns how many exposures were new.
 */
export async function recordPrintedExposures(
  db: Kysely<Database>,
  communicationIds: readonly string[],
): Promise<number> {
  let added = 0;
  for (let i = 0; i < communicationIds.length; i += LETTERS_PER_COMMIT) {
    const ids = communicationIds.slice(i, i + LETTERS_PER_COMMIT);
    added += await inTransaction(db, async (trx) => {
      let n = 0;
      for (const id of ids) {
        const letter = await getCommunication(trx, id);
        if (letter?.channel !== 'print' || !PRINTED_STATUSES.includes(letter.status)) continue;
        const cd = await communicationDecision(trx, id);
        if (cd) n += await countExposures(trx, cd);
      }
      return n;
    });
  }
  return added;
}

/** The exposures of a communication that went out: one per placed offer, unless held out. */
async function countExposures(trx: Kysely<Database>, cd: CommunicationDecision): Promise<number> {
  if (cd.holdout) return 0;
  let added = 0;
  for (const offerId of cd.offerIds) {
    if (await contribute(trx, 'exposure', cd, offerId, null)) added++;
  }
  return added;
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
 * every printed letter's, every event's success. Idempotent; what `missive model update` runs.
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
  exposures += await syncPrintedLetters(db, options.runId);
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

/** Letters in print files made before this version counted their exposures only when scanned. */
async function syncPrintedLetters(db: Kysely<Database>, runId: string | undefined): Promise<number> {
  let exposures = 0;
  let afterId = '';
  for (;;) {
    const page = await pagePrintedLetterIds(db, { afterId, limit: LETTERS_PER_COMMIT, runId });
    if (page.length === 0) return exposures;
    exposures += await recordPrintedExposures(db, page);
    afterId = page[page.length - 1]!;
  }
}
