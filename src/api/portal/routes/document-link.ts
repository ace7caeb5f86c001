import type { FastifyInstance } from 'fastify';
import { openDocumentLink } from '../../../portal/index.ts';
import { deletePortalSession } from '../../../store/index.ts';
import { sendPage } from '../../ui/layout.ts';
import { portalContext } from '../context.ts';
import { linkOpeningPage } from '../pages/document-link.ts';
import { startPortalSession } from '../portal-session.ts';

/**
 * GET /portal/open/<token>: the signed link of a statement or bill e-mail (issue 20). A genuine,
 * unexpired link to a document its customer received, issued after their last sign-out, starts a
 * link session for that one document (portal_sessions.document_id) — the document, its PDF and its
 * e-mail, nothing else: the list, preferences and offers still need a code. Any refusal is one 410
 * page (MSV_PORTAL_LINK_INVALID). A customer already signed in with a code keeps that session.
 *
 * The answer is a small page that moves on to the document (meta refresh, and a link): the session
 * cookie is SameSite=Strict, so a browser arriving from a webmail page (another site) would not send
 * it on a redirect that site started; the page's own navigation is same-site. The token stays out
 * of the Referer (`no-referrer`) and out of caches (`no-store`). Links are not single use (mail
 * scanners fetch links before the customer does); they end with their expiry or the next sign-out.
 */
export function portalDocumentLinkRoutes(app: FastifyInstance): void {
  const deps = app.portal;
  const linkKey = deps.linkKey;
  if (!linkKey) return;
  // A wildcard, not `:token`: a token can be longer than fastify's default maxParamLength (100).
  app.get<{ Params: { '*': string } }>(
    '/portal/open/*',
    {
      config: {
        public: true,
        portal: 'anonymous',
        rateLimit: { max: deps.limits.verifiesPerIpPerMinute, timeWindow: '1 minute' },
      },
      // A wildcard path has no OpenAPI form (the tracking links are left out the same way).
      schema: { hide: true },
    },
    async (request, reply) => {
      reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
      const { customerId, document } = await openDocumentLink(
        { db: deps.db, linkKey, now: deps.now },
        request.params['*'],
        request.ip,
      );
      const current = request.portalCustomer;
      const signedInAlready = current?.customerId === customerId && current.documentId === undefined;
      if (!signedInAlready) {
        if (current) await deletePortalSession(deps.db, current.sessionHash);
        await startPortalSession(deps.db, request, reply, {
          customerId,
          minutes: deps.limits.sessionMinutes,
          now: deps.now(),
          secure: deps.cookieSecure,
          documentId: document.id,
        });
      }
      const target = `/portal/documents/${encodeURIComponent(document.id)}`;
      return sendPage(reply, linkOpeningPage(portalContext(request), target));
    },
  );
}
