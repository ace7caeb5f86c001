import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { lastDayOfPreviousMonth } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { decodeEmail } from '../../render/index.ts';
import {
  appendAudit,
  type Database,
  listDrafts,
  listTemplates,
  listTemplateVersions,
} from '../../store/index.ts';
import {
  approveDraft,
  canApprove,
  checkOffer,
  createDraftFromPackage,
  createDraftFromVersion,
  discardDraft,
  editDraftFiles,
  grantApprover,
  latestCatalog,
  previewDraft,
  publishOffer,
  rejectDraft,
  renderDraftChannel,
  requireDraft,
  type StudioActor,
  submitDraft,
} from '../../studio/heavy.ts';
import { pdfPageToPng } from '../../studio/index.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { EMAIL_FRAME_CSP, neutraliseEmailHtml } from '../email-view.ts';
import { withoutServerPaths } from '../server-paths.ts';
import { badRequest } from './decide.ts';
export function studioActor(request: FastifyRequest): StudioActor {
  const p = request.principal!;
  return { actor: actorOf(p), user: p.user, role: p.role, ip: request.ip };
}

const createBody = z.union([
  z.strictObject({ from: z.string().min(1).max(200) }),
  z.strictObject({
    package: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'a package name, e.g. monthly-statement'),
  }),
]);
const filesBody = z.strictObject({ files: z.record(z.string().min(1).max(200), z.string()) });
const previewQuery = z.strictObject({
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .optional(),
  customerId: z.string().min(1).max(100).optional(),
});
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues);
  return parsed.data;
}

/** Drafts of a template's files, their live preview and the four-eyes publishing (src/studio). */
export function studioRoutes(app: FastifyInstance): void {
  const deps = app.studio;
  const db = deps.db;
  /** A draft rendered with a stored customer's data shows personal data: audited (invariant 4). */
  const auditCustomerPreview = async (
    request: FastifyRequest,
    draftId: string,
    customerId: string | undefined,
    what: string,
  ) => {
    if (customerId === undefined) return;
    await appendAudit(db, {
      actor: actorOf(request.principal!),
      action: 'studio.preview',
      targetType: 'customer',
      targetId: customerId,
      details: { draftId, what, ip: request.ip },
    });
  };
  /** Documents are previewed as a run today would make them: as of the end of last month. */
  const asOf = () => lastDayOfPreviousMonth(deps.now());
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { tags: ['studio'], params: idParams } };
  const listOptions = { config: { roles: ROUTE_ROLES.marketer }, schema: { tags: ['studio'] } };
  type WithId = { Params: { id: string } };

  app.get('/api/studio/templates', listOptions, async () => listTemplatesWithVersions(db));
  app.get('/api/studio/drafts', listOptions, async () => ({
    drafts: (await listDrafts(db)).map(draftSummary),
  }));

  app.post('/api/studio/drafts', listOptions, async (request, reply) => {
    const body = parse(createBody, request.body);
    const who = studioActor(request);
    const draft =
      'from' in body
        ? await createDraftFromVersion(db, who, body.from)
        : await createDraftFromPackage(db, who, path.join(deps.templatesDir, body.package));
    return reply.status(201).send(draft);
  });

  app.get<WithId>('/api/studio/drafts/:id', options, async (request) => {
    const draft = await requireDraft(db, request.params.id);
    return { ...draft, canApprove: await canApprove(db, studioActor(request)) };
  });

  app.put<WithId>('/api/studio/drafts/:id/files', options, async (request) => {
    const { files } = parse(filesBody, request.body);
    return draftSummary(await editDraftFiles(db, studioActor(request), request.params.id, files));
  });

  app.post<WithId>('/api/studio/drafts/:id/preview', options, async (request) => {
    const q = parse(previewQuery, request.body);
    const draft = await requireDraft(db, request.params.id);
    await auditCustomerPreview(request, draft.id, q.customerId, 'preview');
    const preview = await previewDraft(db, {
      templateName: draft.templateName,
      files: draft.files,
      asOf: asOf(),
      ...q,
    });
    // Lint and render messages are written for the CLI too: the server's folders stay on the server.
    return {
      ...preview,
      issues: preview.issues.map((i) => ({ ...i, message: withoutServerPaths(i.message) })),
    };
  });

  app.post<WithId>('/api/studio/drafts/:id/submit', options, async (request) =>
    draftSummary(await submitDraft(db, studioActor(request), request.params.id)),
  );
  app.post<WithId>('/api/studio/drafts/:id/approve', options, async (request) => {
    const { draft, published } = await approveDraft(db, studioActor(request), request.params.id);
    return { draft: draftSummary(draft), published };
  });
  app.post<WithId>('/api/studio/drafts/:id/reject', options, async (request) =>
    draftSummary(await rejectDraft(db, studioActor(request), request.params.id)),
  );
  app.post<WithId>('/api/studio/drafts/:id/discard', options, async (request, reply) => {
    await discardDraft(db, studioActor(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    '/api/studio/approvers',
    { config: { roles: ROUTE_ROLES.admin }, schema: { tags: ['studio'] } },
    async (request, reply) => {
      const { user } = parse(z.strictObject({ user: z.string().min(1).max(100) }), request.body);
      await grantApprover(db, studioActor(request), user);
      return reply.status(204).send();
    },
  );

  // Offers: the latest catalog's offers; one edited offer checked (and who qualifies), then published.
  const offerBody = z.strictObject({
    offer: z.unknown(),
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  });
  const today = () => deps.now().toISOString().slice(0, 10);
  app.get('/api/studio/offers', listOptions, async () => {
    const { versionId, catalog } = await latestCatalog(db);
    return { catalogVersion: versionId, locales: catalog.locales, offers: catalog.offers };
  });
  app.post('/api/studio/offers/check', listOptions, async (request) => {
    const body = parse(offerBody, request.body);
    return checkOffer(db, body.offer, body.asOf ?? today());
  });
  app.post('/api/studio/offers/publish', listOptions, async (request) => {
    const body = parse(offerBody, request.body);
    const { check: _check, ...result } = await publishOffer(
      db,
      studioActor(request),
      body.offer,
      body.asOf ?? today(),
    );
    return result;
  });

  // The preview's images and email frame: rendered from the draft's current files on each request.
  const frameOptions = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  app.get<{ Params: { id: string; page: string }; Querystring: Record<string, string> }>(
    '/ui/studio/drafts/:id/page/:page',
    frameOptions,
    async (request, reply) => {
      const page = Number.parseInt(request.params.page, 10);
      if (!Number.isInteger(page) || page < 1 || page > 50)
        throw badRequest([{ path: ['page'], message: '1..50' }]);
      const { locale, customerId } = parse(previewQuery, pick(request.query));
      const draft = await requireDraft(db, request.params.id);
      await auditCustomerPreview(request, draft.id, customerId, `page-${page}`);
      const { artifact } = await renderDraftChannel(
        db,
        { templateName: draft.templateName, files: draft.files, locale, customerId, asOf: asOf() },
        'print',
      );
      if (page > (artifact.pages ?? 0))
        throw new MissiveError('MSV_API_NOT_FOUND', `the document has no page ${page}`);
      const png = await pdfPageToPng(artifact.bytes, page);
      return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
    },
  );
  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/ui/studio/drafts/:id/email',
    frameOptions,
    async (request, reply) => {
      const { locale, customerId } = parse(previewQuery, pick(request.query));
      const draft = await requireDraft(db, request.params.id);
      await auditCustomerPreview(request, draft.id, customerId, 'email');
      const { artifact } = await renderDraftChannel(
        db,
        { templateName: draft.templateName, files: draft.files, locale, customerId, asOf: asOf() },
        'email',
      );
      const { html } = neutraliseEmailHtml(decodeEmail(artifact.bytes).html);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', EMAIL_FRAME_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(html);
    },
  );
}

/** locale and customerId from a query string (the rest, e.g. a cache-busting `v`, is ignored). */
function pick(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (query.locale) out.locale = query.locale;
  if (query.customerId) out.customerId = query.customerId;
  return out;
}

export function draftSummary(d: Awaited<ReturnType<typeof requireDraft>>) {
  const { files, ...rest } = d;
  return { ...rest, files: Object.keys(files).sort() };
}

export async function listTemplatesWithVersions(db: import('kysely').Kysely<Database>) {
  const names = await listTemplates(db);
  const templates = [];
  for (const t of names) {
    const versions = (await listTemplateVersions(db, t.name)).map((v) => ({
      id: v.id,
      version: v.version,
      sha256: v.sha256,
      publishedAt: v.publishedAt,
      publishedBy: v.publishedBy,
    }));
    templates.push({ name: t.name, description: t.description, versions });
  }
  return { templates };
}
