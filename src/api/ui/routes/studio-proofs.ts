import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { lastDayOfPreviousMonth } from '../../../core/dates.ts';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import type { ChannelKind } from '../../../core/types.ts';
import { appendAudit } from '../../../store/index.ts';
import { PROOF_DPI, proofPdf, proofSet, requireDraft } from '../../../studio/heavy.ts';
import { pdfPageToPng } from '../../../studio/index.ts';
import { templatePackageFromFiles } from '../../../templates/index.ts';
import { actorOf, ROUTE_ROLES } from '../../auth/principal.ts';
import { badRequest } from '../../routes/decide.ts';
import { withoutServerPaths } from '../../server-paths.ts';
import { pageContext, sendPage } from '../layout.ts';
import { type ProofView, proofSetPage, proofsPage } from '../pages/studio-proofs.ts';
import { sendDraftTest, testChannelsOf } from './studio-test-send.ts';

const SCRIPT = fs.readFileSync(path.join(import.meta.dirname, '..', 'assets', 'studio-proofs.js'));

const proofQuery = z.object({
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as en-GB')
    .optional(),
  customerId: z.string().min(1).max(100).optional(),
});
type Params = { Params: { id: string; page?: string }; Querystring: Record<string, string> };

function parseQuery(query: Record<string, string>): { locale?: string; customerId?: string } {
  const parsed = proofQuery.safeParse({
    ...(query.locale ? { locale: query.locale } : {}),
    ...(query.customerId ? { customerId: query.customerId } : {}),
  });
  if (!parsed.success) throw badRequest(parsed.error.issues);
  return parsed.data;
}

/**
 * A draft's proofs (issue 21 item 6; studio area): /ui/studio/drafts/:id/proofs (pages at 150 dpi,
 * zoomable), /proof/:page (one page's PNG), /proof.pdf (the proof PDF as a download), /proof-set
 * (sample data per locale, longest name, most rows) and POST /test ("send me a test"). A proof made
 * with a stored customer's data shows personal data: audited, as the editor's preview is.
 */
export function studioProofPages(app: FastifyInstance): void {
  const { db, now, datasourcesDir } = app.studio;
  const options = { config: { roles: ROUTE_ROLES.marketer }, schema: { hide: true } };
  const asOf = () => lastDayOfPreviousMonth(now());

  async function prepare(request: FastifyRequest<Params>, what: string) {
    const q = parseQuery(request.query);
    const draft = await requireDraft(db, request.params.id);
    if (q.customerId) {
      await appendAudit(db, {
        actor: actorOf(request.principal!),
        action: 'studio.preview',
        targetType: 'customer',
        targetId: q.customerId,
        details: { draftId: draft.id, what, ip: request.ip },
      });
    }
    const req = { templateName: draft.templateName, files: draft.files, asOf: asOf(), datasourcesDir, ...q };
    return { draft, q, req };
  }

  app.get('/assets/studio-proofs.js', options, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .send(SCRIPT),
  );

  async function proofs(request: FastifyRequest<Params>, message?: ProofView['message']) {
    const { draft, q, req } = await prepare(request, 'proofs');
    let manifest = { locales: ['en-GB'], channels: [] as string[] };
    try {
      manifest = templatePackageFromFiles(draft.templateName, draft.files).manifest;
    } catch {
      // A broken manifest: the proofs page says so through the render's message below.
    }
    const locale = q.locale ?? manifest.locales[0] ?? 'en-GB';
    let pages = 0;
    let problem = message;
    if (manifest.channels.includes('print')) {
      try {
        pages = (await proofPdf(db, { ...req, locale })).pages;
      } catch (err) {
        if (!isMissiveError(err)) throw err;
        problem ??= { kind: 'error', text: withoutServerPaths(err.message) };
      }
    }
    const view: ProofView = {
      locale,
      locales: manifest.locales,
      customerId: q.customerId,
      pages,
      testChannels: testChannelsOf(app, manifest.channels as ChannelKind[]),
      testTo: app.studio.testSend?.to ?? {},
      ...(problem ? { message: problem } : {}),
    };
    return proofsPage(pageContext(request), draft, view);
  }

  app.get<Params>('/ui/studio/drafts/:id/proofs', options, async (request, reply) =>
    sendPage(reply, await proofs(request)),
  );

  app.get<Params>('/ui/studio/drafts/:id/proof/:page', options, async (request, reply) => {
    const page = Number(request.params.page);
    if (!Number.isInteger(page) || page < 1 || page > 50)
      throw badRequest([{ path: ['page'], message: '1..50' }]);
    const { req } = await prepare(request, `proof-page-${page}`);
    const { bytes, pages } = await proofPdf(db, req);
    if (page > pages) throw new MissiveError('MSV_API_NOT_FOUND', `the document has no page ${page}`);
    // The PDF just rendered is the one rasterised (not rendered a second time).
    const png = await pdfPageToPng(bytes, page, PROOF_DPI);
    return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
  });

  app.get<Params>('/ui/studio/drafts/:id/proof.pdf', options, async (request, reply) => {
    const { draft, q, req } = await prepare(request, 'proof-pdf');
    const { bytes } = await proofPdf(db, req);
    const name = `${draft.templateName}-${draft.id}-${q.locale ?? 'default'}${q.customerId ? `-${q.customerId}` : ''}-proof.pdf`;
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(bytes));
  });

  app.get<Params>('/ui/studio/drafts/:id/proof-set', options, async (request, reply) => {
    const draft = await requireDraft(db, request.params.id);
    const cases = await proofSet(db, {
      templateName: draft.templateName,
      files: draft.files,
      asOf: asOf(),
      datasourcesDir,
    });
    for (const c of cases.filter((x) => x.customerId)) {
      await appendAudit(db, {
        actor: actorOf(request.principal!),
        action: 'studio.preview',
        targetType: 'customer',
        targetId: c.customerId!,
        details: { draftId: draft.id, what: `proof-set-${c.kind}`, ip: request.ip },
      });
    }
    for (const c of cases) if (c.error) c.error = withoutServerPaths(c.error);
    return sendPage(reply, proofSetPage(pageContext(request), draft, cases));
  });

  app.post<Params & { Body: { channel?: string; to?: string } }>(
    '/ui/studio/drafts/:id/test',
    options,
    async (request, reply) => {
      const { draft, req } = await prepare(request, 'test');
      const t = pageContext(request).t;
      try {
        const sent = await sendDraftTest(app, db, draft, req, {
          channel: String(request.body?.channel ?? ''),
          to: String(request.body?.to ?? '').trim(),
          user: request.principal!.user,
        });
        await appendAudit(db, {
          actor: actorOf(request.principal!),
          action: 'studio.draft.test',
          targetType: 'studio_draft',
          targetId: draft.id,
          details: { channel: sent.channel, ip: request.ip },
        });
        return sendPage(
          reply,
          await proofs(request, { kind: 'ok', text: `${t.studioTestSent}: ${sent.channel} → ${sent.to}` }),
        );
      } catch (err) {
        if (!isMissiveError(err)) throw err;
        return sendPage(
          reply,
          await proofs(request, { kind: 'error', text: withoutServerPaths(err.message) }),
          err.statusCode,
        );
      }
    },
  );
}
