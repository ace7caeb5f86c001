import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listLetterTemplates, previewAgentLetter, sendAgentLetter } from '../../on-demand/heavy.ts';
import { actorOf, ROUTE_ROLES } from '../auth/principal.ts';
import { viewCustomer } from '../lookup/customer-access.ts';
import { clientId, customerParams } from '../lookup/schemas.ts';
import { maskPans } from '../mask.ts';

const tags = ['letters'];

/** An agent's values per editable section (checked against the template's declaration). */
const sections = {
  type: 'object',
  description:
    "The agent's value per editable section of the template (`GET /api/letter-templates`): text, or a choice's value",
  additionalProperties: { type: 'string', maxLength: 10_000 },
} as const;
const template = { type: 'string', minLength: 1, maxLength: 200 } as const;

type PreviewBody = { template: string; sections: Record<string, string> };
type SendBody = PreviewBody & { id: string; channel: 'print' | 'email'; reason: string };

/**
 * An agent's ad-hoc letters (src/on-demand/agent-letters.ts) as JSON: the letter templates with
 * their editable sections, a letter's PDF preview (kept nowhere) and sending it by post or e-mail.
 * Each reaches the customer first (an audit row: `customer.letter.preview`, `customer.letter`).
 */
export function letterRoutes(app: FastifyInstance): void {
  const config = { roles: ROUTE_ROLES.agent };

  app.get(
    '/api/letter-templates',
    {
      config,
      schema: {
        tags,
        summary: 'The published templates of kind letter, with the sections an agent fills in',
      },
    },
    async () => ({ templates: await listLetterTemplates(app.letters.db) }),
  );

  app.post<{ Params: { customerId: string }; Body: PreviewBody }>(
    '/api/customers/:customerId/letters/preview',
    {
      config,
      schema: {
        tags,
        summary: "A letter's PDF for the customer as it would be sent now, kept nowhere",
        params: customerParams,
        body: {
          type: 'object',
          required: ['template', 'sections'],
          additionalProperties: false,
          properties: { template, sections },
        },
      },
    },
    async (request, reply) => {
      const pdf = await letterPreview(app, request, 'api.letter', request.body);
      return reply
        .header('content-type', 'application/pdf')
        .header('cache-control', 'no-store')
        .header('x-missive-sha256', pdf.sha256)
        .send(Buffer.from(pdf.pdf));
    },
  );

  app.post<{ Params: { customerId: string }; Body: SendBody }>(
    '/api/customers/:customerId/letters',
    {
      config,
      schema: {
        tags,
        summary:
          'Send an ad-hoc letter by post (next print file) or e-mail (PDF attached, to the address on file); the same id returns the same letter',
        params: customerParams,
        body: {
          type: 'object',
          required: ['id', 'template', 'sections', 'channel', 'reason'],
          additionalProperties: false,
          properties: {
            id: clientId,
            template,
            sections,
            channel: { type: 'string', enum: ['print', 'email'] },
            reason: { type: 'string', minLength: 3, maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const result = await letterSend(app, request, request.body);
      const c = result.communication;
      return reply.code(result.created ? 201 : 200).send({
        created: result.created,
        communication: {
          id: c.id,
          runId: c.runId,
          customerId: c.customerId,
          template: result.run.communicationType,
          channel: c.channel,
          status: c.status,
          reason: c.reason,
          sha256: c.artifactSha256,
          size: c.artifactSize,
          pages: c.pages,
          asOf: result.run.asOf,
        },
      });
    },
  );
}

/** The preview for the API and the form: the customer reached (audited), then the PDF. */
export async function letterPreview(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { customerId: string } }>,
  via: string,
  body: Pick<PreviewBody, 'template' | 'sections'>,
) {
  const { customerId } = request.params;
  const viewer = { principal: request.principal!, ip: request.ip, via };
  await viewCustomer(app.letters.db, viewer, 'customer.letter.preview', customerId);
  return previewAgentLetter(app.letters.deps(), { customerId, ...body });
}

/** The send for the API and the form: the customer reached (audited), the reason's card numbers masked. */
export async function letterSend(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { customerId: string } }>,
  body: SendBody,
) {
  const { customerId } = request.params;
  const principal = request.principal!;
  await viewCustomer(app.letters.db, { principal, ip: request.ip }, 'customer.letter', customerId);
  return sendAgentLetter(app.letters.deps(), actorOf(principal), {
    customerId,
    template: body.template,
    sections: body.sections,
    channel: body.channel,
    reason: maskPans(body.reason),
    clientId: body.id,
  });
}
