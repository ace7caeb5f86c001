import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import {
  type ColumnForm,
  editTable,
  type TableBlockView,
  type TableEdit,
  tableBlockOf,
} from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import type { UiLocale } from '../i18n/index.ts';
import { tableStrings } from '../i18n/studio-table.ts';
import type { TableNotice } from '../pages/studio-table-form.ts';

type Body = Record<string, string | undefined>;
type Files = Readonly<Record<string, string>>;
type Params = { Params: { id: string }; Querystring: { block?: string }; Body: Body };

/** How the canvas routes apply an edit: the changed files, the block to show, extra query for the page. */
export type CanvasEdit = (
  request: FastifyRequest<Params>,
  reply: FastifyReply,
  change: (files: Files) => {
    changes: Record<string, string>;
    block?: string;
    query?: Record<string, string>;
  },
  done: string,
) => Promise<unknown>;

const ACTION = /^(save|add|up|down|remove)(?::([A-Za-z][\w-]*))?$/;
const MOVED = /^(carry|total):([A-Za-z][\w-]*):([A-Za-z][\w-]*)$/;

function indexOf(block: string | undefined): number {
  const index = Number(/^body\[(\d{1,4})\]$/.exec(block ?? '')?.[1] ?? Number.NaN);
  if (!Number.isInteger(index)) throw new MissiveError('MSV_API_BAD_REQUEST', 'block: choose a table block');
  return index;
}

function columnForm(body: Body, prefix: string, id: string, locales: readonly string[]): ColumnForm {
  const headers = Object.fromEntries(locales.map((l) => [l, (body[`header.${prefix}.${l}`] ?? '').trim()]));
  return {
    headers,
    width: body[`width.${prefix}`] ?? '',
    align: body[`align.${prefix}`] ?? (id ? 'left' : ''),
  };
}

/** The edit a table form asks for (`action` = save | add | up:<id> | down:<id> | remove:<id>). */
export function tableEditOf(body: Body, view: TableBlockView): TableEdit {
  const [, kind, id = ''] = ACTION.exec(body.action ?? '') ?? [];
  if (kind === 'remove') return { kind, id };
  if (kind === 'up' || kind === 'down') return { kind: 'move', id, by: kind === 'up' ? -1 : 1 };
  if (kind === 'add')
    return { kind, field: body.field ?? '', form: columnForm(body, 'new', 'new', view.locales) };
  if (kind === 'save') {
    const columns = Object.fromEntries(
      view.columns.map((c) => [c.id, columnForm(body, c.id, c.id, view.locales)]),
    );
    return { kind, columns };
  }
  throw new MissiveError('MSV_API_BAD_REQUEST', 'action: save, add, up, down or remove a column');
}

/** The chosen block's table form, if it is a table, and the lines the last edit moved (`?moved=`). */
export function tableOfBlock(
  files: Files,
  block: string | undefined,
  moved: string | undefined,
): { table?: TableBlockView; tableNotices: TableNotice[] } {
  const tableNotices = (moved ?? '')
    .split(',')
    .map((m) => MOVED.exec(m))
    .filter((m) => m !== null)
    .map(([, line, from, to]) => ({ line: line as TableNotice['line'], from: from ?? '', to: to ?? '' }));
  if (!block) return { tableNotices };
  try {
    return { table: tableBlockOf(files, indexOf(block)), tableNotices };
  } catch (err) {
    if (isMissiveError(err)) return { tableNotices }; // not a table: no table form
    throw err;
  }
}

/** The message after a table edit (`?done=column-…`). */
export function tableDoneMessage(locale: UiLocale, done: string | undefined): string | undefined {
  const t = tableStrings(locale);
  const messages: Record<string, string> = {
    'column-save': t.saved,
    'column-remove': t.removed,
    'column-move': t.moved,
    'column-add': t.added,
  };
  return done ? messages[done] : undefined;
}

/**
 * POST /ui/studio/drafts/:id/canvas/table?block=body[n] (issue 21 item 1): the table form's edits,
 * applied as the canvas's other edits (editDraftFiles; a refusal shows the canvas with the reason).
 */
export function studioTableRoute(app: FastifyInstance, edit: CanvasEdit): void {
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  app.post<Params>('/ui/studio/drafts/:id/canvas/table', options, (request, reply) =>
    edit(
      request,
      reply,
      (files) => {
        const index = indexOf(request.query.block);
        const tableEdit = tableEditOf(request.body ?? {}, tableBlockOf(files, index));
        const { changes, moved } = editTable(files, index, tableEdit);
        const notices = moved.map((m) => `${m.line}:${m.from}:${m.to}`).join(',');
        const query = { done: `column-${tableEdit.kind}`, ...(notices ? { moved: notices } : {}) };
        return { changes, block: `body[${index}]`, query };
      },
      'column-save',
    ),
  );
}
