import type { Artifact, ChannelKind } from '../core/types.ts';
import type { TrackedLinkRecord } from '../store/index.ts';
import { makeArtifact } from './artifact.ts';
import { decodeEmail, encodeEmail } from './email.ts';
import { shortClickUrl, shortCode, shortPixelUrl } from './short-links.ts';
import { smsSegments } from './sms-segments.ts';

/**
 * Turns a rendered marketing e-mail or SMS into what the customer receives: every http(s) link a
 * short tracked link (`/t/<code>`), and an open pixel (`/o/<code>.gif`) in the e-mail. Pure: the
 * plan (codes, targets, base URL) comes in, so `missive verify` applies the same plan to the
 * re-rendered bytes and proves them equal to the archived ones.
 *
 * A link is any absolute http(s) URL the customer can follow: the `href` of `<a>`, `<area>` and VML
 * `<v:roundrect>` tags (also inside Outlook's conditional comments), a bare URL in the HTML's text
 * (mail clients make it a link) and a bare URL in the plain-text part or the SMS. Head, styles,
 * scripts, `<link>` stylesheets and images are left alone, as are mailto:, tel:, anchors, tags
 * marked `data-missive-notrack` and the message's own unsubscribe link (`<base>/unsubscribe/…`). The HTML is rewritten with regular expressions rather than an HTML
 * parser: a parse/serialise round trip would change bytes outside the links. The subject keeps its
 * text (a URL there is not a link).
 */

export interface TrackedLink {
  code: string;
  /** The absolute http(s) URL the link leads to. */
  target: string;
  /** The offer whose call to action the target is; null for other links. */
  offerId: string | null;
}

export interface TrackingPlan {
  /** Public base URL of the API that serves /t and /o, e.g. https://go.bank.example */
  baseUrl: string;
  /** The open pixel's code (e-mail only). */
  open: string | null;
  /** One per distinct target, in the order they first appear. */
  links: TrackedLink[];
}

export type TrackedChannel = 'email' | 'sms';

/** Whether links on a channel are tracked (e-mail and SMS). */
export function isTrackedChannel(channel: ChannelKind): channel is TrackedChannel {
  return channel === 'email' || channel === 'sms';
}

type Replace = (target: string) => string | undefined;

/** The distinct http(s) link targets of a rendered e-mail or SMS, in order of first appearance. */
export function linkTargets(channel: TrackedChannel, artifact: Artifact): string[] {
  const found = new Set<string>();
  rewrite(channel, artifact, (target) => {
    found.add(target);
    return undefined;
  });
  return [...found];
}

export interface PlanOptions {
  key: Uint8Array;
  baseUrl: string;
  communicationId: string;
  channel: TrackedChannel;
  targets: readonly string[];
  /** Which offer a target belongs to (the placed offers' call-to-action URLs). */
  offerByTarget?: ReadonlyMap<string, string>;
}

export function planTracking(options: PlanOptions): TrackingPlan {
  const { key, communicationId } = options;
  return {
    baseUrl: options.baseUrl,
    open: options.channel === 'email' ? shortCode(key, communicationId, 'open', '') : null,
    links: options.targets.map((target) => ({
      code: shortCode(key, communicationId, 'click', target),
      target,
      offerId: options.offerByTarget?.get(target) ?? null,
    })),
  };
}

/** The artifact with the plan's links rewritten (and the pixel added to an e-mail). */
export function applyTracking(channel: TrackedChannel, artifact: Artifact, plan: TrackingPlan): Artifact {
  const urls = new Map(plan.links.map((l) => [l.target, shortClickUrl(plan.baseUrl, l.code)]));
  const pixel = plan.open === null ? undefined : shortPixelUrl(plan.baseUrl, plan.open);
  return rewrite(channel, artifact, (target) => urls.get(target), pixel);
}

/**
 * What a run does to a marketing e-mail or SMS: linkTargets + planTracking + applyTracking in one
 * pass over the bytes (each target gets its code when first seen); the same result as the three.
 */
export function trackArtifact(
  artifact: Artifact,
  options: Omit<PlanOptions, 'targets'>,
): { artifact: Artifact; plan: TrackingPlan } {
  const plan = planTracking({ ...options, targets: [] });
  const urls = new Map<string, string>();
  // The e-mail's own unsubscribe link (the footer's, and the List-Unsubscribe page's URL) is never
  // tracked: the HTML marks it data-missive-notrack, but the plain-text part has no attributes.
  const unsubscribe = `${options.baseUrl.replace(/\/+$/, '')}/unsubscribe/`;
  const replace = (target: string): string | undefined => {
    if (target.startsWith(unsubscribe)) return undefined;
    let url = urls.get(target);
    if (url === undefined) {
      const code = shortCode(options.key, options.communicationId, 'click', target);
      plan.links.push({ code, target, offerId: options.offerByTarget?.get(target) ?? null });
      url = shortClickUrl(plan.baseUrl, code);
      urls.set(target, url);
    }
    return url;
  };
  const pixel = plan.open === null ? undefined : shortPixelUrl(plan.baseUrl, plan.open);
  return { artifact: rewrite(options.channel, artifact, replace, pixel), plan };
}

/** The link table's rows for a plan (the pixel's target is empty). */
export function trackedLinkRows(
  communicationId: string,
  plan: TrackingPlan,
  expiresAt: string,
): TrackedLinkRecord[] {
  const rows: TrackedLinkRecord[] = plan.links.map((l) => ({
    code: l.code,
    communicationId,
    purpose: 'click',
    target: l.target,
    offerId: l.offerId,
    expiresAt,
  }));
  if (plan.open !== null) {
    rows.push({ code: plan.open, communicationId, purpose: 'open', target: '', offerId: null, expiresAt });
  }
  return rows;
}

/** The call-to-action URLs of the offers a document shows, mapped to their offer ids (first wins). */
export function offerTargets(
  offers: readonly { id: string; cta: { url: string } | null }[],
): Map<string, string> {
  const targets = new Map<string, string>();
  for (const o of offers) if (o.cta && !targets.has(o.cta.url)) targets.set(o.cta.url, o.id);
  return targets;
}

function rewrite(channel: TrackedChannel, artifact: Artifact, replace: Replace, pixel?: string): Artifact {
  if (channel === 'sms') {
    const text = rewriteText(Buffer.from(artifact.bytes).toString('utf8'), replace);
    return makeArtifact(Buffer.from(text, 'utf8'), artifact.mime, { segments: smsSegments(text).segments });
  }
  const parts = decodeEmail(artifact.bytes);
  let html = rewriteHtml(parts.html, replace);
  if (pixel !== undefined) html = addPixel(html, pixel);
  const text = rewriteText(parts.text, replace);
  return makeArtifact(encodeEmail({ ...parts, html, text }), artifact.mime); // the sender parts too
}

/** Comments, elements whose content is not text the reader sees or clicks, and tags. */
const HTML_TOKEN = /<!--[\s\S]*?-->|<(style|script|title|textarea|head)\b[^>]*>[\s\S]*?<\/\1\s*>|<[^>]*>/gi;
const LINK_TAG = /<(?:a|area|v:roundrect)\b[^>]*>/gi;
const LINK_TAG_START = /^<(?:a|area|v:roundrect)\b/i;
const HREF = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const NO_TRACK = /\sdata-missive-notrack\b/i;

function rewriteHtml(html: string, replace: Replace): string {
  let out = '';
  let last = 0;
  for (const m of html.matchAll(HTML_TOKEN)) {
    const token = m[0];
    out += rewriteBareUrls(html.slice(last, m.index), replace, true);
    if (token.startsWith('<!--')) out += token.replace(LINK_TAG, (tag) => rewriteHref(tag, replace));
    else if (m[1] !== undefined) out += token;
    else out += LINK_TAG_START.test(token) ? rewriteHref(token, replace) : token;
    last = m.index + token.length;
  }
  return out + rewriteBareUrls(html.slice(last), replace, true);
}

function rewriteHref(tag: string, replace: Replace): string {
  if (NO_TRACK.test(tag)) return tag;
  const href = HREF.exec(tag);
  if (!href) return tag;
  const target = decodeEntities((href[2] ?? href[3] ?? href[4] ?? '').trim());
  if (!isHttpUrl(target)) return tag;
  const url = replace(target);
  return url === undefined ? tag : tag.replace(HREF, `${href[1]}"${escapeHtml(url)}"`);
}

function rewriteText(text: string, replace: Replace): string {
  return rewriteBareUrls(text, replace, false);
}

/** A URL in running text: up to a space, an angle bracket, a quote or a backtick. */
const BARE_URL = /(?<![A-Za-z0-9+.-])https?:\/\/[^\s<>"'`]+/gi;
/** HTML entities that stand for a character that ends a URL in text. */
const ENDING_ENTITY = /&(?:quot|apos|lt|gt|#0*3[49]|#x0*2[27]|#0*60|#0*62|#x0*3[ce]|#0*96|#x0*60);/i;

function rewriteBareUrls(text: string, replace: Replace, html: boolean): string {
  if (!text.includes('://')) return text;
  return text.replace(BARE_URL, (raw) => {
    let url = raw;
    if (html) {
      const end = url.search(ENDING_ENTITY);
      if (end >= 0) url = url.slice(0, end);
    }
    url = trimTrailing(url);
    const target = html ? decodeEntities(url) : url;
    if (!isHttpUrl(target)) return raw;
    const next = replace(target);
    if (next === undefined) return raw;
    return `${html ? escapeHtml(next) : next}${raw.slice(url.length)}`;
  });
}

/** Sentence punctuation after a URL is not part of it; nor is a closing bracket it did not open. */
function trimTrailing(url: string): string {
  let end = url.length;
  for (;;) {
    const ch = url[end - 1];
    const body = url.slice(0, end);
    if (ch === ';' && /&(?:#x?[0-9a-f]+|[a-z]+);$/i.test(body)) break;
    if (ch !== undefined && '.,;:!?'.includes(ch)) {
      end -= 1;
      continue;
    }
    const open = ch === ')' ? '(' : ch === ']' ? '[' : undefined;
    if (open && count(body, open) < count(body, ch as string)) {
      end -= 1;
      continue;
    }
    return url.slice(0, end);
  }
  return url.slice(0, end);
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n += 1;
  return n;
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^/?#\s]/i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function addPixel(html: string, url: string): string {
  const pixel = `<img src="${escapeHtml(url)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const at = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return at < 0 ? `${html}${pixel}` : `${html.slice(0, at)}${pixel}${html.slice(at)}`;
}
