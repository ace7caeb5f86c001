import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { listDrafts, listStudioApprovers, listUsers } from '../../../store/index.ts';
import {
  approveDraft,
  approversOf,
  canApprove,
  createDraftFromPackage,
  createDraftFromVersion,
  discardDraft,
  grantApprover,
  rejectDraft,
  requireDraft,
  submitDraft,
} from '../../../studio/heavy.ts';
import { listTemplatePackages } from '../../../studio/index.ts';
import { templatePackageFromFiles } from '../../../templates/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { draftSummary, listTemplatesWithVersions, studioActor } from '../../routes/studio.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import { pageContext, sendPage } from '../layout.ts';
import { draftEditorPage, studioHomePage } from '../pages/studio.ts';

const SCRIPT = fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'studio.js'));
const STEPS = ['submit', 'approve', 'reject', 'discard'] as const;

/**
 * The marketer's template pages (studio area): templates and drafts, a new draft, the draft editor
 * with live preview (its script), the four-eyes workflow forms, and granting approvers (admins).
 */
export function studioDraftPages(app: FastifyInstance): void {
  const { db, templatesDir } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };

  app.get(
    '/assets/studio.js',
    // Only the studio's pages load it: marketers and admins fetch it with their session cookie.
    options,
    async (_request, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'private, max-age=3600')
        .send(SCRIPT),
  );

  app.get('/ui/studio', options, async (request, reply) => {
    const { templates } = await listTemplatesWithVersions(db);
    const drafts = (await listDrafts(db)).map(draftSummary);
    const approvers =
      request.principal?.role === 'admin'
        ? {
            approvers: await listStudioApprovers(db),
            marketers: (await listUsers(db))
              .filter((u) => u.role === 'marketer' && !u.disabled)
              .map((u) => u.name),
          }
        : undefined;
    const packages = listTemplatePackages(templatesDir);
    return sendPage(reply, studioHomePage(pageContext(request), templates, drafts, packages, approvers));
  });

  app.post<{ Body: { user?: string } }>(
    '/ui/studio/approvers',
    { config: { roles: ROUTE_ROLES.admin }, schema: { hide: true } },
    async (request, reply) => {
      await grantApprover(db, studioActor(request), String(request.body?.user ?? ''));
      return reply.redirect('/ui/studio#approvers', 303);
    },
  );

  app.post<{ Body: { from?: string; package?: string } }>(
    '/ui/studio/drafts',
    options,
    async (request, reply) => {
      const who = studioActor(request);
      const body = request.body ?? {};
      let id: string;
      if (body.from) id = (await createDraftFromVersion(db, who, body.from)).id;
      else if (body.package && listTemplatePackages(templatesDir).includes(body.package))
        id = (await createDraftFromPackage(db, who, path.join(templatesDir, body.package))).id;
      else
        throw new MissiveError('MSV_API_BAD_REQUEST', 'choose a published version or a package', {
          field: 'from',
        });
      return reply.redirect(`/ui/studio/drafts/${id}`, 303);
    },
  );

  app.get<{ Params: { id: string } }>('/ui/studio/drafts/:id', options, async (request, reply) =>
    sendPage(reply, await editor(request, request.params.id)),
  );

  app.post<{ Params: { id: string; step: string } }>(
    '/ui/studio/drafts/:id/:step',
    options,
    async (request, reply) => {
      const { id, step } = request.params;
      const who = studioActor(request);
      try {
        switch (step as (typeof STEPS)[number]) {
          case 'submit':
            await submitDraft(db, who, id);
            break;
          case 'approve':
            await approveDraft(db, who, id);
            break;
          case 'reject':
            await rejectDraft(db, who, id);
            break;
          case 'discard':
            await discardDraft(db, who, id);
            return reply.redirect('/ui/studio', 303);
          default:
            throw new MissiveError('MSV_API_NOT_FOUND', `no step ${step}`);
        }
        return reply.redirect(`/ui/studio/drafts/${id}`, 303);
      } catch (err) {
        if (!isMissiveError(err) || err.code === 'MSV_STUDIO_DRAFT_NOT_FOUND') throw err;
        // The refusal (self-approval, lint errors, wrong state) shown on the editor itself.
        // Messages are written for the CLI too: the server's folders stay on the server (issue 21).
        return sendPage(reply, await editor(request, id, withoutServerPaths(err.message)), err.statusCode);
      }
    },
  );

  async function editor(request: FastifyRequest, id: string, message?: string) {
    const draft = await requireDraft(db, id);
    let locales = ['en-GB'];
    try {
      locales = templatePackageFromFiles(draft.templateName, draft.files).manifest.locales;
    } catch {
      // A broken manifest still opens in the editor; lint says what is wrong.
    }
    return draftEditorPage(pageContext(request), draft, {
      canApprove: await canApprove(db, studioActor(request)),
      locales,
      message,
      ...(draft.status === 'submitted' ? { approvers: await approversOf(db, draft.submittedBy) } : {}),
    });
  }
}
