import fs from 'node:fs';
import path from 'node:path';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../archive/index.ts';
import { createTemplateCache, type TemplateCache } from '../../batch/heavy.ts';
import { MissiveError } from '../../core/errors.ts';
import type { SuccessRules } from '../../feedback/index.ts';
import {
  type CodeSender,
  DEFAULT_PORTAL_LIMITS,
  type NoticeSender,
  type PortalLimits,
} from '../../portal/index.ts';
import { type Database, findPortalSession } from '../../store/index.ts';
import { type BrandSource, compileBrand } from '../../templates/index.ts';
import { newSecret, secretHash } from '../auth/secrets.ts';
import { cjkFont } from '../fonts/cjk-font.ts';
import { toErrorBody } from '../plugins/errors.ts';
import { type Background, backgroundTasks } from './background.ts';
import { type PortalBrandLook, portalBrandLook } from './brand-look.ts';
import { portalContext } from './context.ts';
import { errorPortalPage } from './pages/sign-in.ts';
import {
  type CookieSecure,
  cookieOptions,
  PORTAL_FLOW_COOKIE,
  PORTAL_SESSION_COOKIE,
} from './portal-session.ts';
import { portalDocumentLinkRoutes } from './routes/document-link.ts';
import { portalDocumentRoutes } from './routes/documents.ts';
import { portalOfferRoutes } from './routes/offers.ts';
import { portalPreferenceRoutes } from './routes/preferences.ts';
import { portalSignInRoutes } from './routes/sign-in.ts';

/** The stylesheet, after the @font-face rule of the CJK font the app serves (fonts/cjk-font.ts). */
const CSS = Buffer.concat([
  Buffer.from(cjkFont().css),
  fs.readFileSync(path.join(import.meta.dirname, 'assets', 'portal.css')),
]);

/** What the portal needs besides the store: how codes are sent and the key they are hashed with. */
export interface PortalOptions {
  /** HMAC key of codes and identifiers (derivePortalKey). */
  key: Uint8Array;
  /** Sends a code to a contact on file (channelCodeSender over the configured channels). */
  sendCode: CodeSender;
  /** Confirms preference changes to the contact on file (channelNoticeSender); none: no confirmations. */
  sendNotice?: NoticeSender;
  limits?: Partial<PortalLimits>;
  successRules?: SuccessRules;
  /** The portal's brand (MISSIVE_DEFAULT_BRAND in `missive serve`): its colour and logo; none: the plain look. */
  brand?: BrandSource;
  /**
   * HMAC key of the signed document links statement and bill e-mails carry (derivePortalLinkKey
   * from the tracking key, as the runs sign them); none: `/portal/open/…` is not served.
   */
  linkKey?: Uint8Array;
}

export interface PortalDeps {
  db: Kysely<Database>;
  blobs: BlobStore | undefined;
  now: () => Date;
  key: Uint8Array;
  sendCode: CodeSender;
  sendNotice: NoticeSender | undefined;
  limits: PortalLimits;
  cookieSecure: CookieSecure;
  successRules: SuccessRules | undefined;
  /** Runs work after the answer (sends), awaited when the app closes. */
  background: Background;
  /** Published template versions, compiled once: a document's web view uses the version that made it. */
  templates: TemplateCache;
  /** The brand's look (colour, logo, name); undefined: the plain portal. */
  look: PortalBrandLook | undefined;
  /** Key of the signed document links in e-mails; undefined: links are not served. */
  linkKey: Uint8Array | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The customer self-service portal under /portal (issue 20), an encapsulated fastify plugin with
 * hooks of its own: the customer session (never a staff one) on every request, CSRF on every POST
 * (the session's token; before sign-in a double-submit cookie and the Origin), errors as portal
 * pages. For the staff auth hooks these routes are `public`: they answer to customers only. Its
 * `portal` decorator (PortalDeps) exists in this scope only.
 */
export const portalArea: FastifyPluginAsync<PortalAreaOptions> = async (scope, options) => {
  const deps: PortalDeps = {
    db: options.db,
    blobs: options.blobs,
    now: options.now,
    cookieSecure: options.cookieSecure,
    key: options.key,
    sendCode: options.sendCode,
    sendNotice: options.sendNotice,
    limits: { ...DEFAULT_PORTAL_LIMITS, ...options.limits },
    successRules: options.successRules,
    background: backgroundTasks(scope),
    templates: createTemplateCache(options.db),
    look: options.brand ? portalBrandLook(compileBrand(options.brand)) : undefined,
    linkKey: options.linkKey,
  };
  const css = deps.look ? Buffer.concat([CSS, Buffer.from(deps.look.css)]) : CSS;
  scope.decorate('portal', deps);
  scope.addHook('onRequest', async (request, reply) => findCustomer(deps, request, reply));
  scope.addHook('preValidation', async (request) => checkCsrf(request));
  scope.setErrorHandler((error: FastifyError | MissiveError, request, reply) =>
    sendPortalError(request, reply, error),
  );
  scope.get(
    '/portal/assets/portal.css',
    { config: { public: true, portal: 'anonymous' }, schema: { hide: true } },
    async (_request, reply) =>
      reply
        .header('content-type', 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(css),
  );
  scope.get(
    '/portal/assets/logo',
    { config: { public: true, portal: 'anonymous' }, schema: { hide: true } },
    async (_request, reply) => {
      if (!deps.look) return reply.code(404).send();
      return reply
        .header('content-type', deps.look.logo.mediaType)
        .header('cache-control', 'public, max-age=3600')
        .send(deps.look.logo.bytes);
    },
  );
  portalSignInRoutes(scope);
  portalDocumentLinkRoutes(scope);
  portalDocumentRoutes(scope);
  portalPreferenceRoutes(scope);
  portalOfferRoutes(scope);
};

/** What the portal area is registered with: the store, the archive, a clock, cookies, and its options. */
export interface PortalAreaOptions extends PortalOptions {
  db: Kysely<Database>;
  blobs: BlobStore | undefined;
  now: () => Date;
  cookieSecure: CookieSecure;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The portal area's context: decorated in its scope only. */
    portal: PortalDeps;
  }
}

async function findCustomer(
  deps: PortalDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const cookie = request.cookies[PORTAL_SESSION_COOKIE];
  if (cookie) {
    const sessionHash = secretHash(cookie);
    const session = await findPortalSession(deps.db, sessionHash, deps.now().toISOString());
    if (session) {
      request.portalCustomer = {
        customerId: session.customerId,
        csrfToken: session.csrfToken,
        sessionHash,
        locale: session.locale,
        ...(session.documentId !== undefined ? { documentId: session.documentId } : {}),
      };
    }
  }
  const flow = request.cookies[PORTAL_FLOW_COOKIE];
  if (flow && /^[A-Za-z0-9_-]{43}$/.test(flow)) request.portalFlowToken = flow;
  else if (SAFE_METHODS.has(request.method)) {
    request.portalFlowToken = newSecret();
    reply.setCookie(PORTAL_FLOW_COOKIE, request.portalFlowToken, cookieOptions(request, deps.cookieSecure));
  }
  if (!mayAccess(request)) {
    if (SAFE_METHODS.has(request.method)) return reply.redirect('/portal/sign-in', 303);
    throw new MissiveError('MSV_AUTH_REQUIRED', 'sign in to the portal first');
  }
  return undefined;
}

/**
 * Whether the request's session may use the route: a session signed in with a code every customer
 * route; a link session (a signed e-mail link, no code) only the routes of its one document and
 * sign-out. Anything else sends the browser to sign in, whatever the id (no oracle).
 */
function mayAccess(request: FastifyRequest): boolean {
  const access = request.routeOptions.config?.portal;
  if (access === undefined || access === 'anonymous') return true;
  const customer = request.portalCustomer;
  if (!customer) return false;
  if (customer.documentId === undefined || access === 'session') return true;
  return access === 'document' && (request.params as { id?: unknown }).id === customer.documentId;
}

/** Every POST carries `_csrf`: the session's token, or before sign-in the flow cookie's (and our Origin). */
async function checkCsrf(request: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers['x-csrf-token'];
  const field = (request.body as { _csrf?: unknown } | undefined)?._csrf;
  const given = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
  const expected = request.portalCustomer?.csrfToken ?? request.portalFlowToken;
  if (!sameOrigin(request) || given === undefined || expected === undefined || given !== expected) {
    throw new MissiveError('MSV_AUTH_CSRF', 'this form needs the CSRF token of this browser');
  }
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Browsers get a page in their language (never a stack or internals); API clients the usual JSON. */
function sendPortalError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: FastifyError | MissiveError,
): FastifyReply {
  const { status, body } = toErrorBody(error);
  if (status >= 500) request.log.error({ err: error }, 'portal request failed');
  const wantsHtml =
    request.headers.accept?.includes('text/html') === true ||
    request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
  if (!wantsHtml) return reply.status(status).send(body);
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(errorPortalPage(portalContext(request), status, body.error.code).value);
}
