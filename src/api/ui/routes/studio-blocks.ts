import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isMissiveError } from '../../../core/errors.ts';
import type { Database, DraftRecord } from '../../../store/index.ts';
import {
  blockPropsOf,
  conditionOf,
  contractFields,
  draftHistoryCounts,
  dropIndex,
  moveBlock,
  ruleFormOf,
  setBlockProps,
  stepDraftHistory,
} from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import type { UiLocale } from '../i18n/index.ts';
import { blockFormStrings } from '../i18n/studio-blocks.ts';
import type { BlockFormView, HistoryView } from '../pages/studio-block-form.ts';

const SCRIPT = fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'studio-blocks.js'));
const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;

type Body = Record<string, string | undefined>;
type Params = { Params: { id: string }; Querystring: { locale?: string; block?: string }; Body: Body };
type Message = { kind: 'error' | 'ok'; text: string };
/** The canvas route's save path: `change` gives the files to write, they go through editDraftFiles. */
export type CanvasEdit = (
  request: FastifyRequest<Params>,
  reply: FastifyReply,
  change: (files: Readonly<Record<string, string>>) => { changes: Record<string, string>; block?: string },
  done: string,
) => Promise<unknown>;
/** The canvas page again, with a message. */
export type CanvasShow = (
  request: FastifyRequest<Params>,
  reply: FastifyReply,
  message?: Message,
  status?: number,
) => Promise<unknown>;

function indexOf(block: string | undefined): number {
  return Number(/^body\[(\d{1,4})\]$/.exec(block ?? '')?.[1] ?? Number.NaN);
}

/** The chosen body block's form, and the draft's undo/redo counts, for the canvas view. */
export async function blockViewOf(
  db: Kysely<Database>,
  draft: DraftRecord,
  block: string | undefined,
): Promise<{ blockForm?: BlockFormView; history: HistoryView }> {
  const history = await draftHistoryCounts(db, draft.id);
  const index = indexOf(block);
  if (!Number.isInteger(index)) return { history };
  try {
    const props = blockPropsOf(draft.files, index);
    const fields = contractFields(draft.files);
    return { history, blockForm: { index, count: props.count, props, rule: ruleFormOf(props.when), fields } };
  } catch (err) {
    if (isMissiveError(err)) return { history };
    throw err;
  }
}

/** The message a redirect after a block edit or undo/redo asks for. */
export function blockDoneMessage(locale: UiLocale, done: string | undefined): string | undefined {
  const b = blockFormStrings(locale);
  const texts: Record<string, string> = {
    moved: b.moved,
    'block-saved': b.blockSaved,
    undone: b.undone,
    redone: b.redone,
    'no-history': b.nothing,
  };
  return done === undefined ? undefined : texts[done];
}

function moveTarget(body: Body | undefined, from: number): number {
  if (body?.target !== undefined && body.target !== '')
    return dropIndex(from, Number(body.target), body.place === 'before' ? 'before' : 'after');
  return Number(body?.to ?? Number.NaN);
}

/**
 * The block form's routes (issue 21 item 1; studio area): POST …/canvas/move (up/down, or a block
 * dropped before/after another), …/canvas/props (spacing, visibility rule) through the canvas's own
 * save path, and …/canvas/undo, …/canvas/redo over the draft's edit history.
 */
export function studioBlockRoutes(app: FastifyInstance, edit: CanvasEdit, show: CanvasShow): void {
  const { db } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  app.get('/assets/studio-blocks.js', options, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .send(SCRIPT),
  );

  app.post<Params>('/ui/studio/drafts/:id/canvas/move', options, (request, reply) =>
    edit(
      request,
      reply,
      (files) => {
        const from = Number(request.body?.from ?? Number.NaN);
        const moved = moveBlock(files, from, moveTarget(request.body, from));
        return { changes: moved.changes, block: moved.path };
      },
      'moved',
    ),
  );

  app.post<Params>('/ui/studio/drafts/:id/canvas/props', options, (request, reply) =>
    edit(
      request,
      reply,
      (files) => {
        const body = request.body ?? {};
        const rule = {
          field: body['rule.field'] ?? '',
          op: body['rule.op'] ?? '',
          value: body['rule.value'] ?? '',
        };
        const type = contractFields(files).find((f) => f.path === rule.field.trim())?.type;
        const when = conditionOf(rule, type);
        const props = { spaceBefore: body.spaceBefore ?? '', spaceAfter: body.spaceAfter ?? '', when };
        const block = request.query.block ?? '';
        return { changes: setBlockProps(files, indexOf(block), props), block };
      },
      'block-saved',
    ),
  );

  for (const direction of ['undo', 'redo'] as const) {
    app.post<Params>(`/ui/studio/drafts/:id/canvas/${direction}`, options, async (request, reply) => {
      try {
        const now = await stepDraftHistory(db, studioActor(request), request.params.id, direction);
        const query = new URLSearchParams({
          ...(LOCALE.test(request.query.locale ?? '') ? { locale: request.query.locale ?? '' } : {}),
          ...(request.query.block ? { block: request.query.block } : {}),
          done: now ? (direction === 'undo' ? 'undone' : 'redone') : 'no-history',
        });
        return reply.redirect(`/ui/studio/drafts/${request.params.id}/canvas?${query}`, 303);
      } catch (err) {
        if (!isMissiveError(err)) throw err;
        return show(request, reply, { kind: 'error', text: withoutServerPaths(err.message) }, err.statusCode);
      }
    });
  }
}
