import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { brandForType } from '../../archive/index.ts';
import { SHIPPED_DATASOURCES_DIR } from '../../core/config.ts';
import { lastDayOfPreviousMonth, parseIsoDate } from '../../core/dates.ts';
import { MissiveError } from '../../core/errors.ts';
import { CHANNEL_KINDS } from '../../core/types.ts';
import { customerDocumentData } from '../../customers/index.ts';
import { renderForChannel } from '../../render/heavy.ts';
import { decodeEmail, smsSegments } from '../../render/index.ts';
import { previewOffers, withOffers } from '../../rules/index.ts';
import { getCustomer } from '../../store/index.ts';
import { loadPublishedTemplate } from '../../templates/heavy.ts';
import type { DocumentData } from '../../templates/index.ts';
import { ROUTE_ROLES } from '../auth/principal.ts';
import { badRequest } from './decide.ts';

const body = z.strictObject({
  template: z.string().min(1),
  channel: z.enum(CHANNEL_KINDS),
  customerId: z.string().min(1).optional(),
  /** With customerId: the offers this run decided for the customer. */
  runId: z.string().min(1).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  locale: z.string().min(1).optional(),
  asOf: z
    .string()
    .refine((v) => parseIsoDate(v) !== undefined, 'a date YYYY-MM-DD')
    .optional(),
});

/**
 * POST /api/preview: a published template (name → latest version, or version id name@hash) rendered
 * for a stored customer, for given data, or for the package's sample data — exactly as a run renders
 * it. Print answers with the PDF bytes (`x-missive-sha256`, `x-missive-pages`); email and SMS with JSON.
 */
export function previewRoutes(app: FastifyInstance): void {
  const deps = app.studio;
  const options = {
    config: { roles: ROUTE_ROLES.marketer },
    schema: {
      tags: ['templates'],
      summary: 'A published template rendered for a customer, data or its sample data',
    },
  };
  app.post('/api/preview', options, async (request, reply) => {
    const parsed = body.safeParse(request.body ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues);
    const req = parsed.data;
    if (req.customerId !== undefined && req.data !== undefined) {
      throw new MissiveError('MSV_API_BAD_REQUEST', 'data: give customerId or data, not both', {
        field: 'data',
      });
    }
    let asOf = req.asOf ?? lastDayOfPreviousMonth(deps.now());
    const { template, files } = await loadPublishedTemplate(deps.db, req.template);
    let data: DocumentData;
    let locale = req.locale ?? template.manifest.locales[0] ?? 'en-GB';
    if (req.customerId !== undefined) {
      const customer = await getCustomer(deps.db, req.customerId);
      if (!customer) {
        throw new MissiveError('MSV_STORE_NOT_FOUND', `no customer ${req.customerId}`, {
          field: 'customerId',
        });
      }
      const found = await customerDocumentData(
        deps.db,
        deps.datasourcesDir ?? SHIPPED_DATASOURCES_DIR,
        template.manifest.dataSource ?? template.name,
        customer,
        { given: req.asOf, fallback: asOf },
      );
      asOf = found.asOf;
      const offers = await previewOffers(deps.db, customer, {
        communicationType: template.name,
        asOf,
        channel: req.channel,
        runId: req.runId,
      });
      data = withOffers(found.data as DocumentData, offers);
      locale = req.locale ?? customer.locale;
    } else if (req.data !== undefined) {
      data = req.data as DocumentData;
    } else if (files['sample-data.json'] !== undefined) {
      data = JSON.parse(files['sample-data.json']) as DocumentData;
    } else {
      throw new MissiveError(
        'MSV_API_BAD_REQUEST',
        `data: template ${template.name} has no sample data; give customerId or data`,
        { field: 'data' },
      );
    }
    const brand = await brandForType(deps.db, template.name);
    const { artifact, warnings } = await renderForChannel(template, req.channel, data, {
      asOf,
      locale,
      brand,
    });
    switch (req.channel) {
      case 'print':
        return reply
          .header('content-type', 'application/pdf')
          .header('x-missive-sha256', artifact.sha256)
          .header('x-missive-pages', String(artifact.pages ?? 0))
          .send(Buffer.from(artifact.bytes.buffer, artifact.bytes.byteOffset, artifact.bytes.byteLength));
      case 'email': {
        const { subject, html, text } = decodeEmail(artifact.bytes);
        return { subject, html, text, warnings, sha256: artifact.sha256 };
      }
      case 'sms': {
        const text = Buffer.from(artifact.bytes).toString('utf8');
        const { encoding, segments } = smsSegments(text);
        return { text, encoding, segments, warnings, sha256: artifact.sha256 };
      }
    }
  });
}
