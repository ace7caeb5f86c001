import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { recordEmailUnsubscribe, type SuccessRules } from '../../feedback/index.ts';
import type { Database } from '../../store/index.ts';
import { escapeHtml } from '../ui/html.ts';

export interface UnsubscribeRouteDeps {
  db: Kysely<Database>;
  successRules: SuccessRules;
  now: () => Date;
  /** With the API's auth: `{ public: true }` (the delivery key in the URL is the credential). */
  routeConfig?: FastifyContextConfig;
}

const KEY = /^[A-Za-z0-9_-]{16,128}$/;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

/**
 * The target of a marketing email's `List-Unsubscribe` header. POST is RFC 8058's one-click (the mail
 * client posts `List-Unsubscribe=One-Click`, no cookie); GET — a person following the link — shows a
 * confirmation form and changes nothing, because link scanners fetch every URL in a mail.
 * Unknown keys get 404 and write nothing.
 */
export function registerUnsubscribeRoutes(app: FastifyInstance, deps: UnsubscribeRouteDeps): void {
  const options = { config: deps.routeConfig ?? {} };
  app.get<{ Params: { key: string } }>('/unsubscribe/:key', options, async (request, reply) => {
    const { key } = request.params;
    if (!KEY.test(key)) return reply.code(404).type('text/html').send(page('Link not found', ''));
    const form = `<p>Stop receiving marketing emails from us? Service messages (statements, bills) still arrive.</p><form method="post" action="/unsubscribe/${escapeHtml(key)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe · 退订</button></form>`;
    return reply.type('text/html').header('cache-control', 'no-store').send(page('Unsubscribe', form));
  });
  app.post<{ Params: { key: string } }>('/unsubscribe/:key', options, async (request, reply) => {
    const { key } = request.params;
    const outcome = KEY.test(key)
      ? await recordEmailUnsubscribe(deps.db, key, deps.successRules, deps.now())
      : { found: false };
    if (!outcome.found) return reply.code(404).type('text/html').send(page('Link not found', ''));
    return reply
      .type('text/html')
      .header('cache-control', 'no-store')
      .send(page('You are unsubscribed', '<p>You will not receive marketing emails from us any more.</p>'));
  });
}
