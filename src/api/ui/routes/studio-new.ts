import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SHIPPED_DATASOURCES_DIR } from '../../../core/config.ts';
import { isMissiveError } from '../../../core/errors.ts';
import { listDataSources } from '../../../customers/index.ts';
import {
  createDraftFromStarter,
  listStarters,
  renderDraftChannel,
  STARTERS,
  STARTERS_DIR,
} from '../../../studio/heavy.ts';
import { pdfPageToPng } from '../../../studio/index.ts';
import { loadTemplatePackage } from '../../../templates/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { badRequest } from '../../routes/decide.ts';
import { studioActor } from '../../routes/studio.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import { pageContext, sendPage } from '../layout.ts';
import { type NewTemplateForm, newTemplatePage } from '../pages/studio-new.ts';

type NewBody = { Body: NewTemplateForm & { _csrf?: string } };

/**
 * "New template" (issue 21 item 4): the starters' gallery and its form (/ui/studio/new), each print
 * starter's first page as a thumbnail, and the same over JSON (/api/studio/starters,
 * /api/studio/drafts/starter). The new draft then follows the usual four-eyes flow.
 */
export function studioNewPages(app: FastifyInstance): void {
  const { db, templatesDir } = app.studio;
  const datasourcesDir = app.studio.datasourcesDir ?? SHIPPED_DATASOURCES_DIR;
  const pageOptions = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  const apiOptions = { config: { roles: ROUTE_ROLES.marketer }, schema: { tags: ['studio'] } };
  const thumbs = new Map<string, Promise<Buffer>>();

  const gallery = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form?: NewTemplateForm,
    error?: unknown,
  ) => {
    const message = error instanceof Error ? withoutServerPaths(error.message) : undefined;
    const status = isMissiveError(error) ? error.statusCode : 200;
    const body = newTemplatePage(
      pageContext(request),
      await listStarters(),
      await listDataSources(datasourcesDir),
      {
        ...(form ? { form } : {}),
        ...(message ? { message } : {}),
      },
    );
    return sendPage(reply, body, status);
  };

  app.get('/ui/studio/new', pageOptions, async (request, reply) => gallery(request, reply));

  app.post<NewBody>('/ui/studio/new', pageOptions, async (request, reply) => {
    const form: NewTemplateForm = {
      starter: String(request.body?.starter ?? ''),
      name: String(request.body?.name ?? '').trim(),
      dataSource: String(request.body?.dataSource ?? ''),
    };
    try {
      const draft = await createDraftFromStarter(
        db,
        studioActor(request),
        { starter: form.starter ?? '', name: form.name ?? '', dataSource: form.dataSource ?? '' },
        { templatesDir, datasourcesDir },
      );
      return reply.redirect(`/ui/studio/drafts/${draft.id}`, 303);
    } catch (err) {
      if (!isMissiveError(err)) throw err;
      return gallery(request, reply, form, err);
    }
  });

  app.get<{ Params: { id: string } }>(
    '/ui/studio/starters/:id/page.png',
    pageOptions,
    async (request, reply) => {
      const id = request.params.id;
      if (!(STARTERS as readonly string[]).includes(id))
        throw badRequest([{ path: ['id'], message: STARTERS.join(', ') }]);
      const locale = pageContext(request).locale;
      const key = `${id}:${locale}`;
      let png = thumbs.get(key);
      if (!png) {
        png = (async () => {
          const pkg = await loadTemplatePackage(`${STARTERS_DIR}/${id}`);
          const { artifact } = await renderDraftChannel(
            db,
            { templateName: pkg.name, files: pkg.files, locale },
            'print',
          );
          return pdfPageToPng(artifact.bytes, 1, 40);
        })();
        thumbs.set(key, png);
        png.catch(() => thumbs.delete(key));
      }
      return reply
        .header('content-type', 'image/png')
        .header('cache-control', 'private, max-age=3600')
        .send(await png);
    },
  );

  app.get('/api/studio/starters', apiOptions, async () => ({
    starters: await listStarters(),
    dataSources: await listDataSources(datasourcesDir),
  }));

  app.post<NewBody>('/api/studio/drafts/starter', apiOptions, async (request, reply) => {
    const body = request.body ?? {};
    const draft = await createDraftFromStarter(
      db,
      studioActor(request),
      {
        starter: String(body.starter ?? ''),
        name: String(body.name ?? ''),
        dataSource: String(body.dataSource ?? ''),
      },
      { templatesDir, datasourcesDir },
    );
    return reply.status(201).send(draft);
  });
}
