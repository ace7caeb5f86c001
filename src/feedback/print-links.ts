import { shortClickUrl, shortCode, type TrackingPlan } from '../render/index.ts';
import type { OfferContent } from '../rules/index.ts';

export interface PrintLinkOptions {
  key: Uint8Array;
  baseUrl: string;
  communicationId: string;
}

/**
 * A printed document's offers with `cta.qr`: the short tracked link of each call to action, for the
 * QR code a reader scans (the printed text keeps the readable URL). A PDF cannot be rewritten after
 * rendering as an e-mail is, so the links are planned first — the same HMAC codes as e-mail and SMS
 * (short-links.ts), one per distinct target — and go into the merge data, hence into the sealed
 * inputs; the plan's rows go into the link table with the ledger row. Pure.
 */
export function trackPrintOffers(
  offers: readonly OfferContent[],
  options: PrintLinkOptions,
): { offers: OfferContent[]; plan: TrackingPlan | undefined } {
  const plan: TrackingPlan = { baseUrl: options.baseUrl, open: null, links: [] };
  const codes = new Map<string, string>();
  const tracked = offers.map((offer) => {
    if (!offer.cta) return offer;
    let code = codes.get(offer.cta.url);
    if (code === undefined) {
      code = shortCode(options.key, options.communicationId, 'click', offer.cta.url);
      codes.set(offer.cta.url, code);
      plan.links.push({ code, target: offer.cta.url, offerId: offer.id });
    }
    return { ...offer, cta: { ...offer.cta, qr: shortClickUrl(options.baseUrl, code) } };
  });
  return { offers: tracked, plan: plan.links.length > 0 ? plan : undefined };
}
