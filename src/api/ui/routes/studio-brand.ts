import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadConfig } from '../../../core/config.ts';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { fontNames } from '../../../render/heavy.ts';
import { getBrandChange, listBrandChanges } from '../../../store/index.ts';
import {
  approveBrandTheme,
  canApprove,
  listAssets,
  proposeBrandTheme,
  rejectBrandTheme,
  THEME_FORM_COLORS,
  themeFormOf,
} from '../../../studio/heavy.ts';
import { brandSourceFromFiles, listBrands, loadBrandSource } from '../../../templates/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { assetStrings } from '../i18n/studio-assets.ts';
import { pageContext, sendPage } from '../layout.ts';
import { brandThemePage } from '../pages/studio-brand.ts';

const FIELDS = ['primary', 'accent', 'text', 'heading', 'body', 'email', 'logoFile'] as const;

/**
 * The brand theme pages (studio area): the form of a brand's colours, fonts and logo, proposing a
 * change, and the four-eyes approval or rejection of proposed changes. The brands folder is the
 * configuration's (MISSIVE_BRANDS_DIR), read at each request.
 */
export function studioBrandPages(app: FastifyInstance): void {
  const { db } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  const brandsDir = () => loadConfig().brandsDir;

  const brandPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    brandId: string,
    extra: { message?: string; done?: string; status?: number; form?: Record<string, string> } = {},
  ) => {
    const dir = brandsDir();
    const current = await loadBrandSource(dir, brandId);
    const now = themeFormOf(current);
    const changes = (await listBrandChanges(db, brandId)).map((change) => {
      const proposed = themeFormOf(brandSourceFromFiles(change.brandId, change.files));
      // A proposal shows what it would change; a decided change, the colours it had.
      const diff =
        change.status === 'submitted'
          ? FIELDS.filter((f) => proposed[f] !== now[f]).map((f): [string, string, string] => [
              f,
              now[f],
              proposed[f],
            ])
          : THEME_FORM_COLORS.map((f): [string, string, string] => [f, '', proposed[f]]);
      return { change, diff };
    });
    const who = studioActor(request);
    return sendPage(
      reply,
      brandThemePage(
        pageContext(request),
        brandId,
        { ...now, ...extra.form },
        {
          brands: await listBrands(dir),
          fonts: fontNames(),
          assets: await listAssets(db),
          changes,
          user: who.user,
          canApprove: await canApprove(db, who),
          message: extra.message,
          done: extra.done,
        },
      ),
      extra.status,
    );
  };

  app.get('/ui/studio/brands', options, async (_request, reply) => {
    const [first] = await listBrands(brandsDir());
    if (!first) throw new MissiveError('MSV_BRAND_NOT_FOUND', 'no brands in the brands folder');
    return reply.redirect(`/ui/studio/brands/${first}`, 303);
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/ui/studio/brands/:id',
    options,
    async (request, reply) => {
      const a = assetStrings(pageContext(request).locale);
      const done =
        request.query.done === 'proposed'
          ? a.proposed
          : request.query.done === 'approved'
            ? a.approved
            : undefined;
      return brandPage(request, reply, request.params.id, done ? { done } : {});
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, string> }>(
    '/ui/studio/brands/:id',
    options,
    async (request, reply) => {
      const { _csrf, ...form } = request.body ?? {};
      try {
        await proposeBrandTheme(db, studioActor(request), brandsDir(), request.params.id, form);
        return reply.redirect(`/ui/studio/brands/${request.params.id}?done=proposed`, 303);
      } catch (error) {
        if (!isMissiveError(error) || error.code === 'MSV_BRAND_NOT_FOUND') throw error;
        return brandPage(request, reply, request.params.id, {
          message: error.message,
          status: error.statusCode,
          form,
        });
      }
    },
  );

  const decide =
    (step: 'approve' | 'reject') =>
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const change = await getBrandChange(db, request.params.id);
      if (!change)
        throw new MissiveError('MSV_STUDIO_DRAFT_NOT_FOUND', `no brand change ${request.params.id}`);
      try {
        if (step === 'approve') await approveBrandTheme(db, studioActor(request), brandsDir(), change.id);
        else await rejectBrandTheme(db, studioActor(request), change.id);
        return reply.redirect(
          `/ui/studio/brands/${change.brandId}${step === 'approve' ? '?done=approved' : ''}`,
          303,
        );
      } catch (error) {
        if (!isMissiveError(error)) throw error;
        return brandPage(request, reply, change.brandId, {
          message: error.message,
          status: error.statusCode,
        });
      }
    };
  app.post<{ Params: { id: string } }>('/ui/studio/brand-changes/:id/approve', options, decide('approve'));
  app.post<{ Params: { id: string } }>('/ui/studio/brand-changes/:id/reject', options, decide('reject'));
}
