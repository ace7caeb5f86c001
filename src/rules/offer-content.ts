import type { ChannelKind } from '../core/types.ts';
import type { Catalog, ContentBlock } from './catalog.ts';
import type { Decision } from './decision.ts';

/** One chosen offer as a template shows it: the catalog's content for the channel and locale. */
export type OfferContent = {
  id: string;
  slot: number;
  name: string;
  headline: string;
  body: string;
  /** The call to action, when the offer has one (print: the link a QR code carries). */
  cta: { label: string; url: string } | null;
  /**
   * The offer's image, when its content has one: a file name (`platinum.png`) of the template
   * package's `images/offers/` (checked with the package's images when it compiles).
   */
  image?: string;
};

/**
 * The content of a decision's chosen offers, in slot order, for a document in `locale` on `channel`:
 * what a template's offer section renders (`offers: [...]`). Pure: the same decision and catalog give
 * the same list. A holdout or suppressed decision has no offers. An offer the catalog no longer has,
 * or without content for the channel, is left out; a missing locale falls back to the catalog's first
 * locale the offer has content in.
 */
export function offerContentFor(
  decision: Pick<Decision, 'offers' | 'holdout' | 'suppressed'>,
  catalog: Pick<Catalog, 'offers' | 'locales'>,
  locale: string,
  channel: ChannelKind,
): OfferContent[] {
  if (decision.holdout || decision.suppressed) return [];
  const byId = new Map(catalog.offers.map((o) => [o.id, o]));
  const result: OfferContent[] = [];
  for (const chosen of [...decision.offers].sort((a, b) => a.slot - b.slot)) {
    const offer = byId.get(chosen.offerId);
    const perLocale = offer?.content[channel];
    if (!offer || !perLocale) continue;
    const used = pickLocale(Object.keys(perLocale), locale, catalog.locales);
    const block: ContentBlock | undefined = used === undefined ? undefined : perLocale[used];
    if (!block || used === undefined) continue;
    result.push({
      id: offer.id,
      slot: chosen.slot,
      name: offer.name[used] ?? offer.name[catalog.locales[0] ?? ''] ?? offer.id,
      headline: block.headline,
      body: block.body,
      cta: block.cta ? { label: block.cta.label, url: block.cta.url } : null,
      ...(block.image ? { image: block.image } : {}),
    });
  }
  return result;
}

function pickLocale(
  available: readonly string[],
  locale: string,
  fallbacks: readonly string[],
): string | undefined {
  if (available.includes(locale)) return locale;
  return fallbacks.find((l) => available.includes(l));
}

/** Offer slots a printed document shows at most. */
export const MAX_DOCUMENT_OFFERS = 2;

/**
 * The document data with the offers section: no offers (holdout, none eligible, no catalog) means no
 * `offers` key at all, so such documents are byte-identical to documents made without the rules stage.
 */
export function withOffers<T extends object>(data: T, offers: readonly OfferContent[]): T {
  return offers.length > 0 ? { ...data, offers: offers.slice(0, MAX_DOCUMENT_OFFERS) } : data;
}
