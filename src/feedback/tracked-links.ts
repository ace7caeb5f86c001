import { signToken } from './tracking-token.ts';

/**
 * Turns a rendered e-mail's links into tracked links and adds the open pixel; gives the tracked URL
 * for a print QR code or an SMS. Pure: key, base URL and expiry come in.
 *
 * The HTML is rewritten with one regular expression over `<a … href="…">` rather than an HTML parser
 * (htmlparser2 + a serializer): a parse/serialize round trip changes bytes outside the links, and the
 * archive must hold exactly what was sent. Only absolute http(s) hrefs are rewritten; mailto:, tel:,
 * anchors and links marked `data-missive-notrack` are left alone.
 */

export interface TrackingOptions {
  key: Uint8Array;
  /** Public base URL of the API that serves /t and /o, e.g. https://go.bank.example */
  baseUrl: string;
  communicationId: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** Which offer a target URL belongs to (the offers' CTA URLs); `data-offer="id"` on the link wins. */
  offerByTarget?: ReadonlyMap<string, string>;
}

export function trackedUrl(
  options: TrackingOptions,
  target: string,
  offerId: string | null = options.offerByTarget?.get(target) ?? null,
): string {
  const token = signToken(options.key, {
    purpose: 'click',
    communicationId: options.communicationId,
    offerId,
    target,
    expiresAt: options.expiresAt,
  });
  return `${trimSlash(options.baseUrl)}/t/${token}`;
}

export function openPixelUrl(options: Omit<TrackingOptions, 'offerByTarget'>): string {
  const token = signToken(options.key, {
    purpose: 'open',
    communicationId: options.communicationId,
    offerId: null,
    target: '',
    expiresAt: options.expiresAt,
  });
  return `${trimSlash(options.baseUrl)}/o/${token}.gif`;
}

const ANCHOR = /<a\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')/i;
const OFFER_ATTR = /\sdata-offer\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const NO_TRACK = /\sdata-missive-notrack\b/i;

/** Every http(s) link → its tracked URL, and the pixel before </body> (or at the end). */
export function trackEmailHtml(html: string, options: TrackingOptions): string {
  const linked = html.replace(ANCHOR, (tag) => {
    if (NO_TRACK.test(tag)) return tag;
    const href = HREF.exec(tag);
    if (!href) return tag;
    const raw = href[2] ?? href[3] ?? '';
    const target = decodeAmp(raw.trim());
    if (!/^https?:\/\//i.test(target)) return tag;
    const offerAttr = OFFER_ATTR.exec(tag);
    const offerId = offerAttr ? (offerAttr[1] ?? offerAttr[2] ?? null) : undefined;
    const url = offerId === undefined ? trackedUrl(options, target) : trackedUrl(options, target, offerId);
    return tag.replace(HREF, `${href[1]}"${url}"`);
  });
  const pixel = `<img src="${openPixelUrl(options)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const body = linked.search(/<\/body\s*>/i);
  return body < 0 ? `${linked}${pixel}` : `${linked.slice(0, body)}${pixel}${linked.slice(body)}`;
}

function decodeAmp(value: string): string {
  return value.replace(/&amp;/gi, '&');
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * The CTA URLs of the offers a decision placed, in every locale, mapped to their offer id: the
 * `offerByTarget` of TrackingOptions, so a link in the rendered e-mail is attributed to its offer.
 */
export function offerTargets(
  offers: readonly { id: string; offer: { content?: unknown } }[],
  placedOfferIds: readonly string[],
): Map<string, string> {
  const placed = new Set(placedOfferIds);
  const targets = new Map<string, string>();
  for (const o of offers) {
    if (!placed.has(o.id)) continue;
    const byChannel = (o.offer.content ?? {}) as Record<string, Record<string, { cta?: { url: string } }>>;
    for (const byLocale of Object.values(byChannel)) {
      for (const block of Object.values(byLocale ?? {})) {
        if (block?.cta?.url && !targets.has(block.cta.url)) targets.set(block.cta.url, o.id);
      }
    }
  }
  return targets;
}
