import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import {
  addEmailBlock,
  addEmailSection,
  type DraftFiles,
  type EmailEdit,
  type EmailOutline,
  editDraftFiles,
  emailBlocksOf,
  listAssets,
  moveEmailBlock,
  readAsset,
  removeEmailBlock,
  requireDraft,
  setButton,
  setDivider,
  setEmailStrings,
  setImage,
} from '../../../studio/heavy.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { studioActor } from '../../routes/studio.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import { emailDesignerStrings } from '../i18n/studio-email.ts';
import { pageContext, sendPage } from '../layout.ts';
import { type EmailDesignerView, emailDesignerPage } from '../pages/studio-email.ts';

const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;
const BLOCK = /^\d{1,3}(\.\d{1,3}){0,2}$/;
const CUSTOMER = /^[\w.:@-]{1,100}$/;
const DONE = ['saved', 'added', 'removed', 'moved'] as const;

type Body = Record<string, string | undefined>;
type Params = {
  Params: { id: string };
  Querystring: { locale?: string; block?: string; done?: string; customerId?: string };
  Body: Body;
};

/** A form's per-locale texts: `<prefix>.<locale>` fields. */
function textsOf(body: Body | undefined, prefix = 'text'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body ?? {}))
    if (name.startsWith(`${prefix}.`) && typeof value === 'string')
      out[name.slice(prefix.length + 1)] = value.replace(/\r\n/g, '\n');
  return out;
}

/** Each action's edit of the draft's files, from the posted form and the chosen block. */
type Action = (
  files: DraftFiles,
  block: string,
  body: Body,
  db: FastifyInstance['studio']['db'],
) => Promise<EmailEdit>;
const ACTIONS: Readonly<Record<string, { edit: Action; done: (typeof DONE)[number] }>> = {
  text: {
    edit: async (files, block, body) => ({
      changes: setEmailStrings(files, String(body.key ?? ''), textsOf(body)),
      block,
    }),
    done: 'saved',
  },
  button: {
    edit: async (files, block, body) =>
      setButton(files, block, { url: String(body.url ?? ''), texts: textsOf(body) }),
    done: 'saved',
  },
  image: {
    edit: async (files, block, body, db) => {
      const name = String(body.asset ?? '');
      const picture = name ? await readAsset(db, { name }) : undefined;
      const chosen = picture
        ? { name: picture.asset.name, base64: picture.bytes.toString('base64') }
        : undefined;
      return setImage(files, block, { picture: chosen, alt: textsOf(body, 'alt') });
    },
    done: 'saved',
  },
  divider: {
    edit: async (files, block, body) =>
      setDivider(files, block, { width: String(body.width ?? ''), color: String(body.color ?? '') }),
    done: 'saved',
  },
  add: {
    edit: async (files, block, body) => {
      const kind = body.kind === 'button' || body.kind === 'divider' ? body.kind : 'text';
      return addEmailBlock(files, block, kind, { texts: textsOf(body), url: String(body.url ?? '') });
    },
    done: 'added',
  },
  section: {
    edit: async (files, block, body) =>
      addEmailSection(
        files,
        block,
        body.columns === '2' ? [textsOf(body), textsOf(body, 'text2')] : [textsOf(body)],
      ),
    done: 'added',
  },
  remove: { edit: async (files, block) => removeEmailBlock(files, block), done: 'removed' },
  move: {
    edit: async (files, block, body) => moveEmailBlock(files, block, body.direction === 'up' ? 'up' : 'down'),
    done: 'moved',
  },
};

/**
 * The e-mail designer (issue 21 item 5; studio area): GET /ui/studio/drafts/:id/email-designer (the
 * blocks of email.mjml, the chosen block's forms, the e-mail previewed at 375 and 600 px) and POST
 * …/email-designer/:action for each edit. Edits go through editDraftFiles, as the code view's; a
 * refused edit shows the page again with the reason. (/ui/studio/drafts/:id/email is the preview
 * frame the code view and this page both show.)
 */
export function studioEmailPages(app: FastifyInstance): void {
  const { db } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  async function show(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    message?: EmailDesignerView['message'],
    status = 200,
  ) {
    const draft = await requireDraft(db, request.params.id);
    let outline: EmailOutline | undefined;
    let problem = message;
    try {
      outline = emailBlocksOf(draft.files);
    } catch (err) {
      if (!isMissiveError(err)) throw err;
      problem ??= { kind: 'error', text: withoutServerPaths(err.message) };
    }
    const asked = request.query.locale ?? '';
    const locale = outline?.locales.includes(asked) ? asked : (outline?.locales[0] ?? 'en-GB');
    const block = BLOCK.test(request.query.block ?? '') ? request.query.block : undefined;
    const version = createHash('sha256')
      .update(JSON.stringify(Object.entries(draft.files).sort()))
      .digest('hex')
      .slice(0, 16);
    const assets = (await listAssets(db)).map(({ name, width, height }) => ({ name, width, height }));
    const customerId = CUSTOMER.test(request.query.customerId ?? '') ? request.query.customerId : undefined;
    const view: EmailDesignerView = { outline, locale, customerId, block, assets, version, message: problem };
    return sendPage(reply, emailDesignerPage(pageContext(request), draft, view), status);
  }

  app.get<Params>('/ui/studio/drafts/:id/email-designer', options, (request, reply) => {
    const done = DONE.find((d) => d === request.query.done);
    const e = emailDesignerStrings(pageContext(request).locale);
    return show(request, reply, done ? { kind: 'ok', text: e[`done_${done}`] } : undefined);
  });

  app.post<Params & { Params: { action: string } }>(
    '/ui/studio/drafts/:id/email-designer/:action',
    options,
    async (request, reply) => {
      const action = ACTIONS[request.params.action];
      const block = request.query.block ?? '';
      if (!action)
        throw new MissiveError('MSV_API_NOT_FOUND', `no e-mail designer action ${request.params.action}`);
      const draft = await requireDraft(db, request.params.id);
      try {
        if (!BLOCK.test(block))
          throw new MissiveError('MSV_API_BAD_REQUEST', 'block: choose a block first', { field: 'block' });
        const edit = await action.edit(draft.files, block, request.body ?? {}, db);
        await editDraftFiles(db, studioActor(request), draft.id, edit.changes);
        const query = new URLSearchParams({
          ...(request.query.locale && LOCALE.test(request.query.locale)
            ? { locale: request.query.locale }
            : {}),
          ...(request.query.customerId && CUSTOMER.test(request.query.customerId)
            ? { customerId: request.query.customerId }
            : {}),
          ...(edit.block ? { block: edit.block } : {}),
          done: action.done,
        });
        return reply.redirect(`/ui/studio/drafts/${draft.id}/email-designer?${query}#block-form`, 303);
      } catch (err) {
        if (!isMissiveError(err)) throw err;
        return show(request, reply, { kind: 'error', text: withoutServerPaths(err.message) }, err.statusCode);
      }
    },
  );
}
