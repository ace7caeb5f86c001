import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError } from '../../../core/errors.ts';
import {
  customerDocument,
  documentWebView,
  listCustomerDocuments,
  type PortalDocument,
  readCustomerDocument,
  recordDocumentView,
} from '../../../portal/index.ts';
import { decodeEmail } from '../../../render/index.ts';
import { listAttachments } from '../../../store/index.ts';
import { EMAIL_FRAME_CSP, neutraliseEmailHtml } from '../../email-view.ts';
import { requireBlobs } from '../../require-blobs.ts';
import { sendPage } from '../../ui/layout.ts';
import { portalContext } from '../context.ts';
import { type DocumentView, documentPage, documentsPage } from '../pages/documents.ts';

/** The portal area's decorator (plugin.ts), named without importing the plugin (it imports these routes). */
type PortalDeps = FastifyInstance['portal'];

const customer = { public: true, portal: 'customer' } as const;
/** One document's routes also answer a link session for that document (a signed e-mail link). */
const oneDocument = { public: true, portal: 'document' } as const;
type Params = { id: string };
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

function reader(request: FastifyRequest, via: string) {
  return { customerId: request.portalCustomer!.customerId, ip: request.ip, via };
}

/**
 * The signed-in customer's documents: the list (keyset pages), one document (verified, its view an
 * event on the call-center timeline) and its bytes. Ids of other customers' documents are 404s.
 */
export function portalDocumentRoutes(app: FastifyInstance): void {
  const deps = app.portal;
  app.get<{ Querystring: { after?: string } }>(
    '/portal/documents',
    {
      config: customer,
      schema: {
        tags: ['portal'],
        summary: "The customer's documents, newest first (20 a page; ?after= the next page)",
        querystring: { type: 'object', properties: { after: { type: 'string', maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      const page = await listCustomerDocuments(deps.db, request.portalCustomer!.customerId, {
        after: request.query.after,
      });
      return sendPage(
        reply,
        documentsPage(portalContext(request), { ...page, first: request.query.after === undefined }),
      );
    },
  );

  app.get<{ Params: Params }>(
    '/portal/documents/:id',
    {
      config: oneDocument,
      schema: { tags: ['portal'], summary: 'One document, verified', params: idParams },
    },
    async (request, reply) => {
      const ctx = portalContext(request);
      try {
        const { document, bytes } = await readCustomerDocument(
          deps.db,
          requireBlobs(deps),
          reader(request, 'portal.document'),
          request.params.id,
        );
        await recordDocumentView(
          deps.db,
          {
            customerId: request.portalCustomer!.customerId,
            document,
            at: deps.now(),
            ...(request.portalCustomer!.documentId ? { via: 'link' as const } : {}),
          },
          deps.successRules,
        );
        return sendPage(reply, documentPage(ctx, document, await viewOf(deps, document, bytes)));
      } catch (err) {
        if (!isMissiveError(err) || err.code !== 'MSV_ARCHIVE_TAMPERED') throw err;
        const document = await customerDocument(
          deps.db,
          request.portalCustomer!.customerId,
          request.params.id,
        );
        if (!document) throw err;
        return sendPage(reply, documentPage(ctx, document, { kind: 'tampered' }), 409);
      }
    },
  );

  app.get<{ Params: Params }>(
    '/portal/documents/:id/file',
    {
      config: oneDocument,
      schema: {
        tags: ['portal'],
        summary: 'The document bytes, verified against their sha256 (x-missive-sha256); 409 if tampered',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { document, bytes } = await readCustomerDocument(
        deps.db,
        requireBlobs(deps),
        reader(request, 'portal.file'),
        request.params.id,
      );
      if (document.channel === 'email')
        return reply.redirect(`/portal/documents/${encodeURIComponent(document.id)}/email`, 303);
      return reply
        .header(
          'content-type',
          document.channel === 'print' ? 'application/pdf' : 'text/plain; charset=utf-8',
        )
        .header('x-missive-sha256', document.sha256)
        .header('x-missive-verified', 'sha256')
        .header(
          'content-disposition',
          `inline; filename="${document.type}-${document.asOf}.${document.channel === 'print' ? 'pdf' : 'txt'}"`,
        )
        .header('cache-control', 'no-store')
        .header('content-security-policy', "frame-ancestors 'self'")
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  app.get<{ Params: Params }>(
    '/portal/documents/:id/attachment',
    {
      config: oneDocument,
      schema: {
        tags: ['portal'],
        summary:
          'The PDF an e-mailed document carried, verified against its sha256; 404 when it carried none',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { document } = await readCustomerDocument(
        deps.db,
        requireBlobs(deps),
        reader(request, 'portal.attachment'),
        request.params.id,
      );
      const pdf = await carriedPdf(deps, document.id);
      if (!pdf) throw new MissiveError('MSV_STORE_NOT_FOUND', 'this document carried no PDF');
      const bytes = await requireBlobs(deps).get(pdf.sha256);
      return reply
        .header('content-type', 'application/pdf')
        .header('x-missive-sha256', pdf.sha256)
        .header('x-missive-verified', 'sha256')
        .header('content-disposition', `inline; filename="${pdf.name}"`)
        .header('cache-control', 'no-store')
        .header('content-security-policy', "frame-ancestors 'self'")
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  app.get<{ Params: Params }>(
    '/portal/documents/:id/email',
    { config: oneDocument, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const { document, bytes } = await readCustomerDocument(
        deps.db,
        requireBlobs(deps),
        reader(request, 'portal.email'),
        request.params.id,
      );
      const parts = document.channel === 'email' ? decodeEmail(bytes) : undefined;
      const html = parts?.html ? neutraliseEmailHtml(parts.html).html : '';
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', EMAIL_FRAME_CSP)
        .header('cache-control', 'no-store')
        .send(html);
    },
  );
}

/** The first PDF an e-mail carried (a statement or bill e-mail's `email.document: attach`). */
async function carriedPdf(deps: PortalDeps, communicationId: string) {
  return (await listAttachments(deps.db, communicationId)).find((a) => a.mediaType === 'application/pdf');
}

/**
 * How the document page shows a document: as a web page when its template version has a web view
 * (with the PDF one tap away), else the PDF or e-mail in a frame, or the SMS text.
 */
async function viewOf(deps: PortalDeps, document: PortalDocument, bytes: Uint8Array): Promise<DocumentView> {
  if (document.channel === 'sms') return { kind: 'sms', text: Buffer.from(bytes).toString('utf8') };
  const web = await documentWebView(
    { db: deps.db, blobs: requireBlobs(deps), templates: deps.templates },
    document.id,
  );
  if (!web) return { kind: document.channel };
  const id = encodeURIComponent(document.id);
  const email = document.channel === 'email';
  const pdf = email
    ? (await carriedPdf(deps, document.id)) && `/portal/documents/${id}/attachment`
    : `/portal/documents/${id}/file`;
  return { kind: 'web', html: web.html, lang: web.locale, pdf: pdf || undefined, email };
}
