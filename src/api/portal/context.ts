import type { FastifyRequest } from 'fastify';
import { pathOf } from '../plugins/errors.ts';
import { isUiLocale, LANG_COOKIE } from '../ui/i18n/index.ts';
import { type PortalStrings, portalEnGB } from './i18n/en-GB.ts';
import { portalZhCN } from './i18n/zh-CN.ts';

export const PORTAL_LOCALES = { 'en-GB': portalEnGB, 'zh-CN': portalZhCN } as const satisfies Record<
  string,
  PortalStrings
>;
export type PortalUiLocale = keyof typeof PORTAL_LOCALES;

/** The signed-in customer of a portal request (never a staff principal). */
export interface PortalCustomer {
  customerId: string;
  csrfToken: string;
  sessionHash: string;
  locale: string;
  /** A session opened by a signed document link: it reads this one document only (no code yet). */
  documentId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    portalCustomer?: PortalCustomer;
    /** The pre-sign-in CSRF token (double-submit cookie) of this browser. */
    portalFlowToken?: string;
  }
  interface FastifyContextConfig {
    /**
     * Portal routes: `customer` needs a session signed in with a code, `document` also takes a
     * link session for the document in `:id`, `session` any session (sign-out), `anonymous` is
     * the sign-in flow.
     */
    portal?: 'customer' | 'document' | 'session' | 'anonymous';
  }
}

/** What every portal page knows: its strings and language, the customer (if any), the CSRF token. */
export interface PortalContext {
  t: PortalStrings;
  locale: PortalUiLocale;
  /** Signed in with a code (a link session is not: it sees one document). */
  signedIn: boolean;
  /** A session opened by a signed document link (sign-out, and an invitation to sign in for the rest). */
  linkSession: boolean;
  csrf: string;
  path: string;
  /** The brand's name in the page's language, when the portal has a brand (its logo is in the bar). */
  brandName?: string;
}

/** The language: the browser's choice (cookie), else the customer's preferred one, else Accept-Language. */
export function portalLocaleFor(request: FastifyRequest): PortalUiLocale {
  const chosen = request.cookies?.[LANG_COOKIE];
  if (isUiLocale(chosen)) return chosen;
  const preferred = request.portalCustomer?.locale;
  if (preferred) return /^zh\b/i.test(preferred) ? 'zh-CN' : 'en-GB';
  return /^zh\b/i.test(request.headers['accept-language'] ?? '') ? 'zh-CN' : 'en-GB';
}

export function portalContext(request: FastifyRequest): PortalContext {
  const locale = portalLocaleFor(request);
  return {
    t: PORTAL_LOCALES[locale],
    locale,
    signedIn: request.portalCustomer !== undefined && request.portalCustomer.documentId === undefined,
    linkSession: request.portalCustomer?.documentId !== undefined,
    csrf: request.portalCustomer?.csrfToken ?? request.portalFlowToken ?? '',
    path: pathOf(request.url),
    ...(request.server.portal?.look ? { brandName: request.server.portal.look.name(locale) } : {}),
  };
}

/** `{n}`-style placeholders of a string. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
