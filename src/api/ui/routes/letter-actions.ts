import type { FastifyInstance } from 'fastify';
import { MissiveError } from '../../../core/errors.ts';
import { listLetterTemplates } from '../../../on-demand/heavy.ts';
import { listCustomerAccounts } from '../../../store/index.ts';
import { ROUTE_ROLES } from '../../auth/principal.ts';
import { viewCustomer } from '../../lookup/customer-access.ts';
import { customerView } from '../../lookup/customer-view.ts';
import { customerParams } from '../../lookup/schemas.ts';
import { letterPreview, letterSend } from '../../routes/letters.ts';
import { pageContext, sendPage } from '../layout.ts';
import { letterFormPage } from '../pages/letter-form.ts';

type FormBody = Record<string, string | undefined>;
type Params = { customerId: string };

/**
 * The agent's letter form (pages/letter-form.ts), posted as an HTML form (CSRF field checked by the
 * auth plugin) and handled by the same code as the JSON API (routes/letters.ts): the preview answers
 * the PDF, the send goes to the letter's verified viewer page.
 */
export function letterActionPages(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };
  const hide = true;

  app.get<{ Params: Params; Querystring: { template?: string } }>(
    '/ui/customers/:customerId/letters/new',
    {
      config,
      schema: {
        hide,
        params: customerParams,
        querystring: { type: 'object', properties: { template: { type: 'string', maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      const { customerId } = request.params;
      const viewer = { principal: request.principal!, ip: request.ip, via: 'ui.letter' };
      const db = app.letters.db;
      const customer = await viewCustomer(db, viewer, 'customer.view', customerId);
      const templates = await listLetterTemplates(db);
      const wanted = request.query.template;
      const chosen = wanted ? templates.find((t) => t.name === wanted) : templates[0];
      if (wanted && !chosen) {
        throw new MissiveError(
          'MSV_API_BAD_REQUEST',
          `template: ${wanted} is not a published letter template`,
          {
            field: 'template',
          },
        );
      }
      const view = customerView(customer, await listCustomerAccounts(db, customerId));
      return sendPage(reply, letterFormPage(pageContext(request), view, templates, chosen));
    },
  );

  app.post<{ Params: Params; Body: FormBody }>(
    '/ui/customers/:customerId/letters/preview',
    { config, schema: { hide, params: customerParams } },
    async (request, reply) => {
      const body = request.body ?? {};
      const pdf = await letterPreview(app, request, 'ui.letter', {
        template: body.template ?? '',
        sections: sectionsOf(body),
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', 'inline; filename="letter-preview.pdf"')
        .header('cache-control', 'no-store')
        .header('x-missive-sha256', pdf.sha256)
        .send(Buffer.from(pdf.pdf));
    },
  );

  app.post<{ Params: Params; Body: FormBody }>(
    '/ui/customers/:customerId/letters',
    { config, schema: { hide, params: customerParams } },
    async (request, reply) => {
      const { customerId } = request.params;
      const body = request.body ?? {};
      if (typeof body.id !== 'string' || !/^[A-Za-z0-9._:-]{8,100}$/.test(body.id))
        throw new MissiveError('MSV_API_BAD_REQUEST', 'id: missing or malformed', { field: 'id' });
      const reason = (body.reason ?? '').trim();
      if (reason.length < 3 || reason.length > 500)
        throw new MissiveError('MSV_API_BAD_REQUEST', 'reason: 3 to 500 characters', { field: 'reason' });
      if (body.channel !== 'print' && body.channel !== 'email')
        throw new MissiveError('MSV_API_BAD_REQUEST', 'channel: post or e-mail', { field: 'channel' });
      const result = await letterSend(app, request, {
        id: body.id,
        template: body.template ?? '',
        sections: sectionsOf(body),
        channel: body.channel,
        reason,
      });
      const c = result.communication;
      const where = c.artifactSha256
        ? `/ui/customers/${encodeURIComponent(customerId)}/communications/${encodeURIComponent(c.id)}`
        : `/ui/customers/${encodeURIComponent(customerId)}#timeline`;
      return reply.redirect(where, 303);
    },
  );
}

/** The form's `section_<id>` fields as the sections' values. */
function sectionsOf(body: FormBody): Record<string, string> {
  const sections: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('section_') && typeof value === 'string')
      sections[key.slice('section_'.length)] = value;
  }
  return sections;
}
