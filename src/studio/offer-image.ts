import type { Kysely } from 'kysely';
import { MissiveError } from '../core/errors.ts';
import type { Offer } from '../rules/index.ts';
import type { Database, PublishResult } from '../store/index.ts';
import { readAsset } from './assets.ts';
import { latestCatalog, type OfferCheck, publishOffer } from './offers.ts';
import type { StudioActor } from './workflow.ts';

/** Channels whose offer blocks show a picture (print's offer slot, the e-mail's offer section). */
const PICTURE_CHANNELS = ['print', 'email'] as const;

/**
 * The offer with `image` set on every print and e-mail content block, in every language it has.
 * Pure. An offer with no print or e-mail content is refused: it has nowhere to show a picture.
 */
export function withOfferImage(offer: Offer, image: string): Offer {
  const content: Record<string, unknown> = { ...offer.content };
  let blocks = 0;
  for (const channel of PICTURE_CHANNELS) {
    const perLocale = offer.content[channel];
    if (!perLocale) continue;
    content[channel] = Object.fromEntries(
      Object.entries(perLocale).map(([locale, block]) => {
        blocks += 1;
        return [locale, { ...block, image }];
      }),
    );
  }
  if (blocks === 0) {
    throw new MissiveError(
      'MSV_API_BAD_REQUEST',
      `offer ${offer.id} has no print or e-mail content to show a picture`,
      {
        field: 'image',
      },
    );
  }
  return { ...offer, content } as Offer;
}

/**
 * An approver gives an offer a picture of the asset library and publishes the catalog with it (the
 * same checks and audit as publishing the offer's JSON). The library must have the picture.
 */
export async function publishOfferImage(
  db: Kysely<Database>,
  who: StudioActor,
  offerId: string,
  assetName: string,
  asOf: string,
): Promise<PublishResult & { check: OfferCheck }> {
  const { asset } = await readAsset(db, { name: assetName });
  const { catalog } = await latestCatalog(db);
  const offer = catalog.offers.find((o) => o.id === offerId);
  if (!offer) throw new MissiveError('MSV_API_NOT_FOUND', `no offer ${offerId} in the published catalog`);
  return publishOffer(db, who, withOfferImage(offer, asset.name), asOf);
}
