import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../core/errors.ts';

export interface SecurityOptions {
  /** API requests per minute per client address. */
  rateLimit: number;
  /** Sign-in attempts per minute per client address (the login route's own limit). */
  loginRateLimit: number;
}

/**
 * Cookies, form bodies, security headers and rate limits. The CSP fits the UI: every script, style
 * and frame comes from this server; nothing from anywhere else (no CDN, no inline script).
 * Email bodies are served with a stricter CSP of their own (email-view.ts).
 */
export function installSecurity(app: FastifyInstance, options: SecurityOptions): void {
  app.register(cookie);
  app.register(formbody, { bodyLimit: 64 * 1024 });
  app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
      },
    },
    // Same-origin frames (the PDF and email viewers) must load: SAMEORIGIN, not DENY.
    frameguard: { action: 'sameorigin' },
    crossOriginEmbedderPolicy: false,
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form
    // posts, and the sign-in form's Origin check (CSRF) needs the real one.
    referrerPolicy: { policy: 'same-origin' },
  });
  app.register(rateLimit, {
    global: true,
    max: options.rateLimit,
    timeWindow: '1 minute',
    // Its status, 429, comes with the code (src/core/error-codes.ts).
    errorResponseBuilder: (_request, context) =>
      new MissiveError('MSV_API_RATE_LIMITED', `too many requests; try again in ${context.after}`, {
        retryAfterMs: context.ttl,
      }),
  });
}
