import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { lastDayOfPreviousMonth } from '../../../core/dates.ts';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import { listDrafts, listStudioApprovers } from '../../../store/studio-drafts.ts';
import { listUsers } from '../../../store/users.ts';
import { diffHunks } from '../../../studio/line-diff.ts';
import { latestCatalog, publishOffer } from '../../../studio/offers.ts';
import { pdfPageToPng, pdfPageToPpm } from '../../../studio/pdf-png.ts';
import { encodePng, parsePpm, pixelDiff } from '../../../studio/pixel-diff.ts';
import { type FileSet, resolveFileSet } from '../../../studio/refs.ts';
import { renderDraftChannel } from '../../../studio/render-draft.ts';
import {
  approveDraft,
  canApprove,
  createDraftFromPackage,
  createDraftFromVersion,
  discardDraft,
  grantApprover,
  rejectDraft,
  requireDraft,
  submitDraft,
} from '../../../studio/workflow.ts';
import { templatePackageFromFiles } from '../../../templates/package-loader.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import {
  draftSummary,
  listTemplatesWithVersions,
  type StudioRouteDeps,
  studioActor,
} from '../../routes/studio.ts';
import { pageContext, sendPage } from '../layout.ts';
import {
  diffPage,
  draftEditorPage,
  type FileDiff,
  isTextFile,
  offerEditorPage,
  offersPage,
  studioHomePage,
} from '../pages/studio.ts';

const SCRIPT = fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'studio.js'));
const STEPS = ['submit', 'approve', 'reject', 'discard'] as const;

/** The marketer's pages: templates and drafts, the draft editor with live preview, the workflow forms. */
export function registerStudioPages(app: FastifyInstance, deps: StudioRouteDeps): void {
  const db = deps.db;
  const templatesDir = deps.templatesDir ?? path.resolve('templates');
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
    return sendPage(
      reply,
      studioHomePage(pageContext(request), templates, drafts, listPackages(templatesDir), approvers),
    );
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
      else if (body.package && listPackages(templatesDir).includes(body.package))
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
        return sendPage(reply, await editor(request, id, err.message), err.statusCode);
      }
    },
  );

  type DiffQuery = { Querystring: { a?: string; b?: string; ref?: string; locale?: string } };
  const localeOf = (locale: string | undefined) =>
    locale && /^[a-z]{2}-[A-Z]{2}$/.test(locale) ? locale : undefined;
  const firstPage = async (set: FileSet, locale: string | undefined) => {
    const { artifact } = await renderDraftChannel(
      db,
      { templateName: set.templateName, files: set.files, locale, asOf: lastDayOfPreviousMonth(deps.now()) },
      'print',
    );
    return artifact.bytes;
  };
  const sendPng = (reply: import('fastify').FastifyReply, png: Buffer) =>
    reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
  const needRef = (value: string | undefined, field: string) => {
    if (!value || value.length > 200)
      throw new MissiveError('MSV_API_BAD_REQUEST', `${field}: a version id or draft:ID`, { field });
    return value;
  };

  app.get<DiffQuery>('/ui/studio/diff', options, async (request, reply) => {
    const a = await resolveFileSet(db, needRef(request.query.a, 'a'));
    const b = await resolveFileSet(db, needRef(request.query.b, 'b'));
    const files: FileDiff[] = [];
    for (const file of [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort()) {
      if (!isTextFile(file) || a.files[file] === b.files[file]) continue;
      const change =
        a.files[file] === undefined ? 'added' : b.files[file] === undefined ? 'removed' : 'changed';
      files.push({ file, change, hunks: diffHunks(a.files[file] ?? '', b.files[file] ?? '') });
    }
    let print = false;
    let locale = localeOf(request.query.locale) ?? 'en-GB';
    try {
      const manifest = templatePackageFromFiles(b.templateName, b.files).manifest;
      print = manifest.channels.includes('print');
      locale = localeOf(request.query.locale) ?? manifest.locales[0] ?? locale;
    } catch {
      // A broken manifest: the text diff still shows what changed.
    }
    return sendPage(reply, diffPage(pageContext(request), a.ref, b.ref, files, { print, locale }));
  });

  app.get<DiffQuery>('/ui/studio/diff/page', options, async (request, reply) => {
    const set = await resolveFileSet(db, needRef(request.query.ref, 'ref'));
    return sendPng(reply, await pdfPageToPng(await firstPage(set, localeOf(request.query.locale)), 1));
  });

  app.get<DiffQuery>('/ui/studio/diff/pixels', options, async (request, reply) => {
    const locale = localeOf(request.query.locale);
    const [a, b] = await Promise.all([
      resolveFileSet(db, needRef(request.query.a, 'a')),
      resolveFileSet(db, needRef(request.query.b, 'b')),
    ]);
    const [pa, pb] = await Promise.all([
      firstPage(a, locale).then((pdf) => pdfPageToPpm(pdf, 1)),
      firstPage(b, locale).then((pdf) => pdfPageToPpm(pdf, 1)),
    ]);
    const { image, changed } = pixelDiff(parsePpm(pa), parsePpm(pb));
    return sendPng(reply.header('x-missive-changed-pixels', String(changed)), encodePng(image));
  });

  app.get('/ui/studio/offers', options, async (request, reply) => {
    const { versionId, catalog } = await latestCatalog(db);
    return sendPage(reply, offersPage(pageContext(request), versionId, catalog.offers));
  });

  const offerPage = async (
    request: Parameters<typeof studioActor>[0],
    id: string,
    extra: { message?: string; published?: string } = {},
  ) => {
    const { catalog } = await latestCatalog(db);
    const offer = catalog.offers.find((o) => o.id === id);
    if (!offer) throw new MissiveError('MSV_API_NOT_FOUND', `no offer ${id} in the published catalog`);
    const variables: Record<string, string> = {};
    for (const [name, trait] of Object.entries(catalog.traits.traits)) variables[name] = trait.type;
    for (const c of catalog.traits.computed) variables[c.name] = c.type;
    return offerEditorPage(pageContext(request), offer, {
      canPublish: await canApprove(db, studioActor(request)),
      variables,
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
        const asOf = deps.now().toISOString().slice(0, 10);
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

  async function editor(request: Parameters<typeof studioActor>[0], id: string, message?: string) {
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
    });
  }
}

function listPackages(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'manifest.json')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
