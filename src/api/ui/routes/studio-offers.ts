import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { canApprove, latestCatalog, listAssets, publishOffer } from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { pageContext, sendPage } from '../layout.ts';
import { offerEditorPage, offersPage } from '../pages/studio.ts';
import { offerPicturePicker } from '../pages/studio-assets.ts';

/**
 * The studio's offer pages (studio area): the latest catalog's offers, one offer's editor (with the
 * variables its rules may use) and publishing it — a refusal is shown on the editor itself.
 */
export function studioOfferPages(app: FastifyInstance): void {
  const { db, now } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  app.get('/ui/studio/offers', options, async (request, reply) => {
    const { versionId, catalog } = await latestCatalog(db);
    return sendPage(reply, offersPage(pageContext(request), versionId, catalog.offers));
  });

  const offerPage = async (
    request: FastifyRequest,
    id: string,
    extra: { message?: string; published?: string } = {},
  ) => {
    const { catalog } = await latestCatalog(db);
    const offer = catalog.offers.find((o) => o.id === id);
    if (!offer) throw new MissiveError('MSV_API_NOT_FOUND', `no offer ${id} in the published catalog`);
    const variables: Record<string, string> = {};
    for (const [name, trait] of Object.entries(catalog.traits.traits)) variables[name] = trait.type;
    for (const c of catalog.traits.computed) variables[c.name] = c.type;
    const ctx = pageContext(request);
    const canPublish = await canApprove(db, studioActor(request));
    return offerEditorPage(ctx, offer, {
      canPublish,
      variables,
      picture: offerPicturePicker(ctx, offer, await listAssets(db), canPublish),
      ...extra,
    });
  };

  app.get<{ Params: { id: string }; Querystring: { published?: string } }>(
    '/ui/studio/offers/:id',
    options,
    async (request, reply) => {
      const published = request.query.published?.slice(0, 100);
      return sendPage(reply, await offerPage(request, request.params.id, published ? { published } : {}));
    },
  );

  app.post<{ Params: { id: string }; Body: { offer?: string } }>(
    '/ui/studio/offers/:id/publish',
    options,
    async (request, reply) => {
      const { id } = request.params;
      try {
        let offer: unknown;
        try {
          offer = JSON.parse(request.body?.offer ?? '');
        } catch (err) {
          throw new MissiveError('MSV_API_BAD_REQUEST', `offer: not JSON (${(err as Error).message})`, {
            field: 'offer',
          });
        }
        const asOf = now().toISOString().slice(0, 10);
        const result = await publishOffer(db, studioActor(request), offer, asOf);
        return reply.redirect(
          `/ui/studio/offers/${id}?published=${encodeURIComponent(result.catalogVersion.id)}`,
          303,
        );
      } catch (err) {
        if (!isMissiveError(err)) throw err;
        return sendPage(reply, await offerPage(request, id, { message: err.message }), err.statusCode);
      }
    },
  );
}
