import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import {
  DEFAULT_SUCCESS_RULES,
  type RecordResult,
  recordFeedbackEvent,
  type SuccessRules,
} from '../feedback/index.ts';
import {
  type Database,
  getCatalogVersion,
  getCustomerCommunicationDecision,
  getLatestCatalogVersion,
  listCustomerEvents,
  listRecentPlacements,
  parseJson,
} from '../store/index.ts';

/**
 * The offers placed in the customer's recent communications, each with "I'm interested" / "Not for
 * me". An answer is a feedback event through `recordFeedbackEvent` (source `portal`, one per
 * communication × offer: its source id, so a second answer or a replay changes nothing):
 * interested → `accepted`, which the model counts once as the offer's success
 * (model_stat_contributions); not for me → `disposition` with outcome `declined`, which the rules read
 * as a decline and suppress for the catalog's cooldown, as they do for the call center's.
 */
export type OfferAnswer = 'interested' | 'not-for-me';
export const OFFER_ANSWERS: readonly OfferAnswer[] = ['interested', 'not-for-me'];

export interface PlacedOffer {
  communicationId: string;
  offerId: string;
  type: string;
  asOf: string;
  createdAt: string;
  name: string;
  headline: string | undefined;
  body: string | undefined;
  answer: OfferAnswer | undefined;
}

export const RECENT_DAYS = 90;
const SOURCE = 'portal';

/** The customer's recent offers, newest first, each offer once (its latest placement). */
export async function listRecentOffers(
  db: Kysely<Database>,
  customerId: string,
  options: { now: Date; locale: string; days?: number },
): Promise<PlacedOffer[]> {
  const since = new Date(options.now.getTime() - (options.days ?? RECENT_DAYS) * 86_400_000).toISOString();
  const rows = await listRecentPlacements(db, customerId, since, 50);
  const answers = await answersOf(db, customerId);
  const seen = new Set<string>();
  const placed: PlacedOffer[] = [];
  const catalogs = new Map<string, OfferTexts>();
  for (const row of rows) {
    if (Number(row.holdout) === 1) continue;
    const decision = parseJson<{ offers?: { offerId?: unknown }[] }>(row.decision);
    for (const o of decision.offers ?? []) {
      if (typeof o.offerId !== 'string' || seen.has(o.offerId)) continue;
      seen.add(o.offerId);
      if (!catalogs.has(row.catalog_version)) {
        catalogs.set(row.catalog_version, await offerTexts(db, row.catalog_version));
      }
      const texts = catalogs.get(row.catalog_version)!(o.offerId, row.channel, options.locale);
      placed.push({
        communicationId: row.id,
        offerId: o.offerId,
        type: row.communication_type,
        asOf: row.as_of,
        createdAt: row.created_at,
        ...texts,
        answer: answers.get(`${row.id}/${o.offerId}`),
      });
    }
  }
  return placed;
}

async function answersOf(db: Kysely<Database>, customerId: string): Promise<Map<string, OfferAnswer>> {
  const rows = await listCustomerEvents(db, customerId, {
    source: SOURCE,
    types: ['accepted', 'disposition'],
  });
  const map = new Map<string, OfferAnswer>();
  for (const r of rows) {
    const answer = r.payload.answer;
    if (answer === 'interested' || answer === 'not-for-me') map.set(r.sourceId, answer);
  }
  return map;
}

type OfferTexts = (
  offerId: string,
  channel: string,
  locale: string,
) => { name: string; headline: string | undefined; body: string | undefined };

interface OfferDefinition {
  id: string;
  name?: Record<string, string>;
  content?: Record<string, Record<string, { headline?: string; body?: string }>>;
}

/** Names and texts from the catalog version the decision used (else the latest published). */
async function offerTexts(db: Kysely<Database>, catalogVersion: string): Promise<OfferTexts> {
  const catalog = (await getCatalogVersion(db, catalogVersion)) ?? (await getLatestCatalogVersion(db));
  const offers = ((catalog?.definition.offers ?? []) as OfferDefinition[]).filter(
    (o) => typeof o?.id === 'string',
  );
  const byId = new Map(offers.map((o) => [o.id, o]));
  return (offerId, channel, locale) => {
    const offer = byId.get(offerId);
    const pick = <T>(m: Record<string, T> | undefined): T | undefined =>
      m?.[locale] ?? m?.['en-GB'] ?? (m ? Object.values(m)[0] : undefined);
    const content =
      pick(offer?.content?.[channel]) ?? pick(offer?.content?.email) ?? pick(offer?.content?.print);
    return { name: pick(offer?.name) ?? offerId, headline: content?.headline, body: content?.body };
  };
}

/**
 * Records the customer's answer to an offer placed in one of their communications. Refuses (404)
 * a communication that is not theirs or an offer it did not place — the same answer for both.
 */
export async function answerOffer(
  db: Kysely<Database>,
  input: { customerId: string; communicationId: string; offerId: string; answer: OfferAnswer; at: Date },
  rules: SuccessRules = DEFAULT_SUCCESS_RULES,
): Promise<RecordResult> {
  const row = await getCustomerCommunicationDecision(db, input.customerId, input.communicationId);
  const placed = row
    ? (parseJson<{ offers?: { offerId?: unknown }[] }>(row.decision).offers ?? []).some(
        (o) => o.offerId === input.offerId,
      )
    : false;
  if (!placed) {
    throw new MissiveError('MSV_STORE_NOT_FOUND', 'no such offer in your communications', {
      customerId: input.customerId,
    });
  }
  const base = {
    source: SOURCE,
    sourceId: `${input.communicationId}/${input.offerId}`,
    customerId: input.customerId,
    communicationId: input.communicationId,
    offerId: input.offerId,
    occurredAt: input.at.toISOString(),
  };
  return input.answer === 'interested'
    ? recordFeedbackEvent(
        db,
        { ...base, type: 'accepted', payload: { answer: 'interested', via: 'self-service' } },
        rules,
      )
    : recordFeedbackEvent(
        db,
        {
          ...base,
          type: 'disposition',
          payload: { answer: 'not-for-me', outcome: 'declined', via: 'self-service' },
        },
        rules,
      );
}
