import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError, type MissiveError } from '../../../core/errors.ts';
import { startSignIn, verifySignIn } from '../../../portal/index.ts';
import {
  appendAudit,
  closePortalLinks,
  deleteOldChallenges,
  deletePortalSession,
} from '../../../store/index.ts';
import { newSecret } from '../../auth/secrets.ts';
import { rememberLanguage } from '../../ui/html-document.ts';
import { sendPage } from '../../ui/layout.ts';
import { portalContext } from '../context.ts';
import { codeErrorText, codePage, signInPage } from '../pages/sign-in.ts';
import {
  cookieOptions,
  endPortalSession,
  PORTAL_CHALLENGE_COOKIE,
  startPortalSession,
} from '../portal-session.ts';

const anonymous = { public: true, portal: 'anonymous' } as const;
const hide = { hide: true };
const CHALLENGE_PATH = '/portal/sign-in';

/** A path inside the portal only (never another host, never outside /portal). */
export function safePortalNext(next: unknown): string {
  return typeof next === 'string' && /^\/portal(?:\/[\w\-./]*)?$/.test(next) && !next.includes('..')
    ? next
    : '/portal';
}

/**
 * Sign-in: "send me a code" (POST /portal/sign-in) answers the same 303 and sets a challenge cookie
 * whoever typed what; the code is handed to the channel after the answer, so its time is not in the
 * response. POST /portal/sign-in/code checks it and starts the customer session.
 */
export function portalSignInRoutes(app: FastifyInstance): void {
  const deps = app.portal;
  // Old challenges serve no limit any more: cleared at most every 10 minutes, on a sign-in request.
  let swept = 0;
  const sweep = async (now: Date) => {
    if (now.getTime() - swept < 600_000) return;
    swept = now.getTime();
    const keep = Math.max(deps.limits.windowMinutes, deps.limits.lockoutMinutes, deps.limits.codeTtlMinutes);
    await deleteOldChallenges(deps.db, new Date(now.getTime() - 2 * keep * 60_000).toISOString());
  };

  app.get('/portal', { config: anonymous, schema: hide }, async (request, reply) =>
    reply.redirect(request.portalCustomer ? '/portal/documents' : '/portal/sign-in', 303),
  );

  app.get<{ Querystring: { signedOut?: string } }>(
    '/portal/sign-in',
    { config: anonymous, schema: hide },
    async (request, reply) => {
      const ctx = portalContext(request);
      return sendPage(
        reply,
        signInPage(ctx, { notice: request.query.signedOut ? ctx.t.sessionEnded : undefined }),
      );
    },
  );

  app.post<{ Body: { identifier?: unknown; channel?: unknown } }>(
    '/portal/sign-in',
    {
      config: {
        ...anonymous,
        rateLimit: { max: deps.limits.startsPerIpPerMinute, timeWindow: '1 minute' },
      },
      schema: { tags: ['portal'], summary: 'Send a one-time sign-in code to the contact on file' },
    },
    async (request, reply) => {
      const started = performance.now();
      const body = request.body ?? {};
      const typed = typeof body.identifier === 'string' ? body.identifier : '';
      const channel = body.channel === 'email' ? 'email' : 'sms';
      await sweep(deps.now());
      const outcome = await startSignIn(deps, { typed, channel, challenge: newSecret() });
      await appendAudit(deps.db, {
        actor: 'anonymous',
        action: 'portal.code_requested',
        targetType: 'customer',
        targetId: outcome.customerId ?? '-',
        details: { ip: request.ip, sent: outcome.delivery !== undefined },
      });
      const delivery = outcome.delivery;
      if (delivery) deps.background(() => deps.sendCode(delivery), 'portal sign-in code', request.log);
      reply.setCookie(PORTAL_CHALLENGE_COOKIE, outcome.challenge, {
        ...cookieOptions(request, deps.cookieSecure, CHALLENGE_PATH),
        maxAge: deps.limits.codeTtlMinutes * 60,
      });
      const wait = deps.limits.answerFloorMs - (performance.now() - started);
      if (wait > 0) await setTimeout(wait);
      return reply.redirect('/portal/sign-in/code', 303);
    },
  );

  app.get('/portal/sign-in/code', { config: anonymous, schema: hide }, async (request, reply) =>
    sendPage(reply, codePage(portalContext(request))),
  );

  app.post<{ Body: { code?: unknown } }>(
    '/portal/sign-in/code',
    {
      config: {
        ...anonymous,
        rateLimit: { max: deps.limits.verifiesPerIpPerMinute, timeWindow: '1 minute' },
      },
      schema: { tags: ['portal'], summary: 'Check the one-time code; starts the customer session' },
    },
    async (request, reply) => {
      const code = typeof request.body?.code === 'string' ? request.body.code : '';
      try {
        const { customerId } = await verifySignIn(deps, {
          challenge: request.cookies[PORTAL_CHALLENGE_COOKIE],
          code,
        });
        await appendAudit(deps.db, {
          actor: `customer:${customerId}`,
          action: 'portal.sign_in',
          targetType: 'customer',
          targetId: customerId,
          details: { ip: request.ip },
        });
        reply.clearCookie(PORTAL_CHALLENGE_COOKIE, { path: CHALLENGE_PATH });
        // A link session in this browser gives way to the full session.
        const before = request.portalCustomer?.sessionHash;
        if (before) await deletePortalSession(deps.db, before);
        await startPortalSession(deps.db, request, reply, {
          customerId,
          minutes: deps.limits.sessionMinutes,
          now: deps.now(),
          secure: deps.cookieSecure,
        });
        return reply.redirect('/portal/documents', 303);
      } catch (err) {
        if (!isMissiveError(err) || !err.code.startsWith('MSV_PORTAL_')) throw err;
        await appendAudit(deps.db, {
          actor: 'anonymous',
          action: 'portal.sign_in_failed',
          targetType: 'portal',
          targetId: '-',
          details: { ip: request.ip, code: err.code },
        });
        return codeFailure(request, reply, err);
      }
    },
  );

  // Signing out (with a code or from a link) also closes every document link sent before, and the
  // sessions such links opened: a forwarded or left-open e-mail link no longer opens anything.
  app.post(
    '/portal/sign-out',
    { config: { public: true, portal: 'session' }, schema: hide },
    async (request, reply) => {
      const customer = request.portalCustomer!;
      await endPortalSession(deps.db, reply, customer.sessionHash);
      await closePortalLinks(deps.db, customer.customerId, deps.now().toISOString());
      await appendAudit(deps.db, {
        actor: `customer:${customer.customerId}`,
        action: 'portal.sign_out',
        targetType: 'customer',
        targetId: customer.customerId,
        details: { ip: request.ip, ...(customer.documentId ? { via: 'link' } : {}) },
      });
      return reply.redirect('/portal/sign-in?signedOut=1', 303);
    },
  );

  app.get<{ Querystring: { to?: string; next?: string } }>(
    '/portal/lang',
    { config: anonymous, schema: hide },
    async (request, reply) => {
      rememberLanguage(reply, request.query.to);
      return reply.redirect(safePortalNext(request.query.next), 303);
    },
  );
}

/** A browser sees the code page again with what went wrong; an API client gets the JSON error. */
function codeFailure(request: FastifyRequest, reply: FastifyReply, err: MissiveError): FastifyReply {
  const status = err.statusCode;
  if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
    return reply
      .status(status)
      .send({ error: { code: err.code, message: err.message, details: err.details } });
  }
  const ctx = portalContext(request);
  const left = typeof err.details.attemptsLeft === 'number' ? err.details.attemptsLeft : undefined;
  return sendPage(reply, codePage(ctx, { error: codeErrorText(ctx, err.code, left) }), status);
}
