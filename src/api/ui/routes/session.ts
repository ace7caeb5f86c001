import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { appendAudit } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { checkCredentials, endSession, startSession } from '../../auth/sessions.ts';
import { cjkFont } from '../../fonts/cjk-font.ts';
import { rememberLanguage } from '../html-document.ts';
import { pageContext, sendPage } from '../layout.ts';
import { loginPage } from '../pages/login.ts';

/** The stylesheet, after the @font-face rule of the CJK font the app serves (fonts/cjk-font.ts). */
const CSS = Buffer.concat([
  Buffer.from(cjkFont().css),
  fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'app.css')),
]);

/** Only a path on this server: never `//host`, a scheme, or a backslash trick. */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : fallback;
}

/** A form post from another site carries its Origin; ours carries ours or none (same-origin GET forms). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Sign-in and sign-out, the language switch and the stylesheet. */
export function sessionRoutes(app: FastifyInstance): void {
  const deps = app.staff;
  const hide = { hide: true };
  app.get('/assets/app.css', { config: { public: true }, schema: hide }, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(CSS),
  );

  // The CJK web font (agent UI and portal): its URL names its content, so it is cached for a year.
  app.get<{ Params: { file: string } }>(
    '/assets/fonts/:file',
    { config: { public: true }, schema: hide },
    async (request, reply) => {
      const font = cjkFont();
      if (`/assets/fonts/${request.params.file}` !== font.url) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no font ${request.params.file}`, { field: 'file' });
      }
      return reply
        .header('content-type', 'font/woff2')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(await font.bytes());
    },
  );

  app.get<{ Querystring: { next?: string } }>(
    '/login',
    { config: { public: true }, schema: hide },
    async (request, reply) =>
      sendPage(reply, loginPage(pageContext(request), { next: safeNext(request.query.next), failed: false })),
  );

  app.post<{ Body: { name?: unknown; password?: unknown; next?: unknown } }>(
    '/login',
    {
      config: { public: true, rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        summary: 'Sign in (form or JSON: name, password); sets the session cookie',
      },
    },
    async (request, reply) => {
      if (!sameOrigin(request)) throw new MissiveError('MSV_AUTH_CSRF', 'sign-in from another site refused');
      const body = request.body ?? {};
      const name = typeof body.name === 'string' ? body.name : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const user = name && password ? await checkCredentials(deps.db, name, password) : undefined;
      const json = request.headers['content-type']?.includes('application/json') === true;
      await appendAudit(deps.db, {
        actor: user ? `user:${user.name}` : 'anonymous',
        action: user ? 'auth.login' : 'auth.login_failed',
        targetType: 'user',
        targetId: name.replace(/[^\w.@-]/g, '').slice(0, 64) || '-',
        details: { ip: request.ip },
      });
      if (!user) {
        if (json) throw new MissiveError('MSV_AUTH_BAD_CREDENTIALS', 'wrong user name or password');
        return sendPage(
          reply,
          loginPage(pageContext(request), { next: safeNext(body.next), failed: true }),
          401,
        );
      }
      await startSession(deps.db, request, reply, user, { ...deps.session, now: deps.now() });
      if (json) return { user: user.name, role: user.role };
      return reply.redirect(safeNext(body.next), 303);
    },
  );

  app.post('/logout', { config: { roles: ROUTE_ROLES.anyone }, schema: hide }, async (request, reply) => {
    await endSession(deps.db, reply, request.principal?.sessionHash);
    return reply.redirect('/login', 303);
  });

  app.get<{ Querystring: { to?: string; next?: string } }>(
    '/ui/lang',
    { config: { public: true }, schema: hide },
    async (request, reply) => {
      rememberLanguage(reply, request.query.to);
      return reply.redirect(safeNext(request.query.next), 303);
    },
  );

  app.get('/', { config: { roles: ROUTE_ROLES.anyone }, schema: hide }, async (request, reply) =>
    reply.redirect(request.principal?.role === 'marketer' ? '/ui/studio' : '/ui/search', 303),
  );
}
