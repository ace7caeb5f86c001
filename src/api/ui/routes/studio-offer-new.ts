import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError } from '../../../core/errors.ts';
import { canApprove, latestCatalog, listAssets, publishNewOffer, RULE_OPS } from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { pageContext, sendPage } from '../layout.ts';
import { newOfferPage } from '../pages/studio-offer-new.ts';

/** The new-offer form (studio area): shown to marketers, published by approvers into the catalog. */
export function studioNewOfferPages(app: FastifyInstance): void {
  const { db, now } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { message?: string; status?: number; form?: Record<string, string> } = {},
  ) => {
    const { catalog } = await latestCatalog(db);
    const variables: Record<string, string> = {};
    for (const [name, trait] of Object.entries(catalog.traits.traits)) variables[name] = trait.type;
    for (const c of catalog.traits.computed) variables[c.name] = c.type;
    return sendPage(
      reply,
      newOfferPage(pageContext(request), {
        locales: catalog.locales,
        assets: await listAssets(db),
        variables,
        ops: RULE_OPS,
        canPublish: await canApprove(db, studioActor(request)),
        message: extra.message,
        form: extra.form ?? { weight: '1' },
      }),
      extra.status,
    );
  };

  app.get('/ui/studio/offers-new', options, (request, reply) => formPage(request, reply));

  app.post<{ Body: Record<string, string> }>('/ui/studio/offers-new', options, async (request, reply) => {
    const { _csrf, ...form } = request.body ?? {};
    try {
      const asOf = now().toISOString().slice(0, 10);
      const result = await publishNewOffer(db, studioActor(request), { id: '', weight: '', ...form }, asOf);
      return reply.redirect(
        `/ui/studio/offers/${encodeURIComponent(result.offer.id)}?published=${encodeURIComponent(result.catalogVersion.id)}`,
        303,
      );
    } catch (error) {
      if (!isMissiveError(error)) throw error;
      return formPage(request, reply, { message: error.message, status: error.statusCode, form });
    }
  });
}
