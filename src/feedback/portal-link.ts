import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import type { DocumentData } from '../templates/index.ts';
import type { LinkTracking } from './link-tracking.ts';

/**
 * Signed links from a statement or bill e-mail to that one document in the self-service portal
 * (issue 20): `<base>/portal/open/<payload>.<mac>`, both base64url. The payload names the purpose
 * and version (`d1`), the communication, its customer, when the link was issued and when it expires
 * (epoch seconds, base 36), one per line; the MAC is HMAC-SHA256 over the exact payload bytes under
 * a key of its own (derivePortalLinkKey: HKDF from the server's tracking key), truncated to 128
 * bits and compared in constant time. Nothing in the link can be guessed or changed: an id alone
 * opens nothing, and another communication's or customer's id under this MAC is refused.
 * Every refusal is the same MSV_PORTAL_LINK_INVALID, so the answer says nothing about which part failed.
 */
export interface PortalLinkClaims {
  communicationId: string;
  customerId: string;
  /** Epoch seconds: links issued before the customer last signed out of the portal are closed. */
  issuedAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}

/** How long a document link opens its document when MISSIVE_PORTAL_LINK_DAYS is not set. */
export const DEFAULT_PORTAL_LINK_DAYS = 60;

const VERSION = 'd1';
const MAC_BYTES = 16;
const MAX_TOKEN = 1024;

/** The links' HMAC key, derived from the server secret (the tracking key), used for nothing else. */
export function derivePortalLinkKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'missive', 'missive portal document links v1', 32));
}

/** The token of a document link (the last path segment of `/portal/open/…`). */
export function signPortalLink(key: Uint8Array, claims: PortalLinkClaims): string {
  const fields = [
    VERSION,
    claims.communicationId,
    claims.customerId,
    Math.floor(claims.issuedAt).toString(36),
    Math.floor(claims.expiresAt).toString(36),
  ];
  if (fields.some((f) => f === '' || /[\r\n]/.test(f))) {
    throw new MissiveError('MSV_PORTAL_LINK_INVALID', 'a document link field is empty or has a line break');
  }
  const payload = Buffer.from(fields.join('\n')).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The claims of a genuine, unexpired link, or MSV_PORTAL_LINK_INVALID whatever is wrong with it. */
export function verifyPortalLink(key: Uint8Array, token: string, nowMs: number): PortalLinkClaims {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > MAX_TOKEN) throw invalid('not a document link');
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('the signature does not match');
  }
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
  const [version, communicationId, customerId, issued, expiry] = fields;
  if (
    fields.length !== 5 ||
    version !== VERSION ||
    !communicationId ||
    !customerId ||
    !/^[0-9a-z]+$/.test(issued ?? '') ||
    !/^[0-9a-z]+$/.test(expiry ?? '')
  ) {
    throw invalid('the payload has the wrong shape');
  }
  const claims = {
    communicationId,
    customerId,
    issuedAt: Number.parseInt(issued!, 36),
    expiresAt: Number.parseInt(expiry!, 36),
  };
  if (claims.expiresAt * 1000 <= nowMs) throw invalid('the link has expired');
  return claims;
}

/**
 * The signed link a statement or bill e-mail carries to its one document, issued now and valid for
 * `portalLinkDays` (a batch run's e-mails and the on-demand API's alike).
 */
export function portalLinkFor(
  tracking: Pick<LinkTracking, 'key' | 'baseUrl' | 'portalLinkDays'>,
  document: { communicationId: string; customerId: string },
  nowMs: number,
): string {
  const issuedAt = Math.floor(nowMs / 1000);
  const token = signPortalLink(derivePortalLinkKey(tracking.key()), {
    communicationId: document.communicationId,
    customerId: document.customerId,
    issuedAt,
    expiresAt: issuedAt + (tracking.portalLinkDays ?? DEFAULT_PORTAL_LINK_DAYS) * 86_400,
  });
  return portalDocumentUrl(tracking.baseUrl, token);
}

/**
 * A document's merge data with `portalUrl` when it is a statement or bill e-mail — a service e-mail
 * whose template attaches its PDF (`email.document: attach`) — as batch runs and the on-demand API
 * both make it; anything else, or no tracking settings (no public URL), unchanged. Kept in the
 * sealed inputs like any merge data, so `missive verify` proves the e-mail with its link.
 */
export function withPortalLink(
  tracking: Pick<LinkTracking, 'key' | 'baseUrl' | 'portalLinkDays'> | undefined,
  document: {
    channel: ChannelKind;
    purpose: 'service' | 'marketing';
    attachesDocument: boolean;
    communicationId: string;
    customerId: string;
  },
  data: DocumentData,
  nowMs: number,
): DocumentData {
  if (!tracking || document.channel !== 'email' || document.purpose !== 'service') return data;
  if (!document.attachesDocument) return data;
  return { ...data, portalUrl: portalLinkFor(tracking, document, nowMs) };
}

/** The link a document's e-mail carries: `<public base URL>/portal/open/<token>`. */
export function portalDocumentUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/portal/open/${token}`;
}

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
}

function invalid(reason: string): MissiveError {
  return new MissiveError('MSV_PORTAL_LINK_INVALID', `this document link cannot be opened: ${reason}`);
}
