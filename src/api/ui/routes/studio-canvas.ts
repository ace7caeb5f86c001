import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { lastDayOfPreviousMonth } from '../../../core/dates.ts';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import {
  addParagraph,
  CANVAS_SCALES,
  canvasPagePng,
  contractFields,
  type DraftCanvas,
  draftCanvas,
  editDraftFiles,
  requireDraft,
  setStrings,
} from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import type { UiLocale } from '../i18n/index.ts';
import { canvasStrings } from '../i18n/studio-canvas.ts';
import { pageContext, sendPage } from '../layout.ts';
import { type CanvasView, canvasPage } from '../pages/studio-canvas.ts';
import { blockDoneMessage, blockViewOf, studioBlockRoutes } from './studio-blocks.ts';
import { studioTableRoute, tableDoneMessage, tableOfBlock } from './studio-table.ts';

const SCRIPT = fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'studio-canvas.js'));
const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;
const BLOCK = /^body\[\d{1,4}\]$/;

type Query = { locale?: string; block?: string; done?: string; moved?: string; scale?: string };
type Params = { Params: { id: string }; Querystring: Query; Body: Record<string, string | undefined> };

/** The texts of a form: `text.<locale>` fields. */
function textsOf(body: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body ?? {}))
    if (name.startsWith('text.') && typeof value === 'string')
      out[name.slice(5)] = value.replace(/\r\n/g, '\n');
  return out;
}

/**
 * The draft's canvas (issue 21 items 1–2; studio area): GET /ui/studio/drafts/:id/canvas (pages with a
 * box per body block, the chosen block's forms), POST …/canvas/text (a text block's string in every
 * locale) and POST …/canvas/add (a paragraph after a block). Edits go through editDraftFiles, as the
 * code view's, so the two stay in sync; a refused edit shows the canvas again with the reason.
 */
export function studioCanvasPages(app: FastifyInstance): void {
  const { db, now, datasourcesDir } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  app.get('/assets/studio-canvas.js', options, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .send(SCRIPT),
  );

  async function show(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    message?: CanvasView['message'],
    status = 200,
  ) {
    const draft = await requireDraft(db, request.params.id);
    const locale = LOCALE.test(request.query.locale ?? '') ? request.query.locale : undefined;
    const block = BLOCK.test(request.query.block ?? '') ? request.query.block : undefined;
    let canvas: DraftCanvas | undefined;
    let problem = message;
    try {
      canvas = await draftCanvas(db, {
        templateName: draft.templateName,
        files: draft.files,
        asOf: lastDayOfPreviousMonth(now()),
        datasourcesDir,
        ...(locale ? { locale } : {}),
      });
    } catch (err) {
      if (!isMissiveError(err)) throw err;
      problem ??= { kind: 'error', text: withoutServerPaths(err.message) };
    }
    const view: CanvasView = {
      canvas,
      block,
      fields: contractFields(draft.files),
      message: problem,
      ...(await blockViewOf(db, draft, block)),
      ...tableOfBlock(draft.files, block, request.query.moved),
    };
    return sendPage(reply, canvasPage(pageContext(request), draft, view), status);
  }

  app.get<Params>('/ui/studio/drafts/:id/canvas', options, (request, reply) =>
    show(request, reply, doneMessage(pageContext(request).locale, request.query.done)),
  );

  app.get<Params & { Params: { page: string } }>(
    '/ui/studio/drafts/:id/canvas/page/:page',
    options,
    async (request, reply) => {
      const page = Number(request.params.page);
      const draft = await requireDraft(db, request.params.id);
      const locale = LOCALE.test(request.query.locale ?? '') ? request.query.locale : undefined;
      const scale = CANVAS_SCALES.find((s) => String(s) === (request.query.scale ?? '1'));
      if (scale === undefined)
        throw new MissiveError('MSV_API_BAD_REQUEST', `scale: one of ${CANVAS_SCALES.join(', ')}`, {
          field: 'scale',
        });
      const png = Number.isInteger(page)
        ? await canvasPagePng(
            db,
            {
              templateName: draft.templateName,
              files: draft.files,
              asOf: lastDayOfPreviousMonth(now()),
              datasourcesDir,
              ...(locale ? { locale } : {}),
            },
            page,
            scale,
          )
        : undefined;
      if (!png)
        throw new MissiveError('MSV_API_NOT_FOUND', `the document has no page ${request.params.page}`);
      return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
    },
  );

  async function edit(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    change: (files: Readonly<Record<string, string>>) => {
      changes: Record<string, string>;
      block?: string;
      query?: Record<string, string>;
    },
    done: string,
  ) {
    const draft = await requireDraft(db, request.params.id);
    try {
      const { changes, block, query: extra } = change(draft.files);
      await editDraftFiles(db, studioActor(request), draft.id, changes);
      const query = new URLSearchParams({
        ...(request.query.locale && LOCALE.test(request.query.locale)
          ? { locale: request.query.locale }
          : {}),
        ...(block ? { block } : {}),
        done,
        ...extra,
      });
      return reply.redirect(`/ui/studio/drafts/${draft.id}/canvas?${query}#block-form`, 303);
    } catch (err) {
      if (!isMissiveError(err)) throw err;
      return show(request, reply, { kind: 'error', text: withoutServerPaths(err.message) }, err.statusCode);
    }
  }

  app.post<Params>('/ui/studio/drafts/:id/canvas/text', options, (request, reply) =>
    edit(
      request,
      reply,
      (files) => ({
        changes: setStrings(files, String(request.body?.key ?? ''), textsOf(request.body)),
        ...(request.query.block ? { block: request.query.block } : {}),
      }),
      'saved',
    ),
  );

  app.post<Params>('/ui/studio/drafts/:id/canvas/add', options, (request, reply) =>
    edit(
      request,
      reply,
      (files) => {
        const added = addParagraph(files, Number(request.body?.after ?? Number.NaN), textsOf(request.body));
        return { changes: added.changes, block: added.path };
      },
      'added',
    ),
  );

  studioTableRoute(app, edit);
  studioBlockRoutes(app, edit, show);
}

/** The message a redirect after an edit asks for (`?done=saved|added`). */
function doneMessage(locale: UiLocale, done: string | undefined): CanvasView['message'] {
  const c = canvasStrings(locale);
  if (done === 'saved') return { kind: 'ok' as const, text: c.saved };
  if (done === 'added') return { kind: 'ok' as const, text: c.added };
  const block = blockDoneMessage(locale, done);
  if (block) return { kind: done === 'no-history' ? ('error' as const) : ('ok' as const), text: block };
  const table = tableDoneMessage(locale, done);
  return table ? { kind: 'ok' as const, text: table } : undefined;
}
