import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../core/types.ts';
import { editableSectionsSchema, sectionLocaleProblems } from './editable-sections.ts';

/**
 * manifest.json: what a template package is, independent of its version (the version is the
 * content hash of the package, see package-loader.ts).
 */
export const manifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    description: z.string().min(1),
    /**
     * `letter`: an ad-hoc letter a call-center agent writes from this template (issue 19 item 3);
     * it needs the print channel and `editableSections`. None: a document of runs and the on-demand API.
     */
    kind: z.enum(['letter']).optional(),
    /** What an agent fills in (src/templates/editable-sections.ts), rendered as `sections.<id>`. */
    editableSections: editableSectionsSchema.optional(),
    channels: z
      .array(z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'channels must not repeat'),
    locales: z
      .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as zh-CN or en-GB'))
      .min(1)
      .refine((l) => new Set(l).size === l.length, 'locales must not repeat'),
    /** JSON Schema (draft 2020-12 subset understood by zod's fromJSONSchema) for the document data. */
    dataSchema: z
      .record(z.string(), z.unknown())
      .refine((s) => s.type === 'object', 'the document data must be an object: set "type": "object"'),
    /**
     * Email: the subject, a Handlebars string (default `{{t 'email.subject'}}`, one per locale file);
     * `document: attach` — the e-mail carries the PDF the print channel makes of the same data (a
     * statement or bill e-mail that works: issue 16 item 5; see src/render/email-documents.ts).
     */
    email: z
      .strictObject({ subject: z.string().min(1).optional(), document: z.enum(['attach']).optional() })
      .optional(),
    /**
     * The fields an agent may correct in a corrected copy (issue 19 item 1), by dotted path into the
     * document data: `text` (one line), `lines` (several lines, e.g. an address), `amount` (a number;
     * an agent's change of one waits for a second person's approval). Labels per UI language.
     */
    corrections: z
      .strictObject({
        fields: z
          .array(
            z.strictObject({
              path: z
                .string()
                .regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'a dotted path such as customer.name'),
              type: z.enum(['text', 'lines', 'amount']),
              label: z.record(z.string(), z.string().min(1)).optional(),
              maxLength: z.number().int().min(1).max(2000).optional(),
              maxLines: z.number().int().min(1).max(20).optional(),
            }),
          )
          .min(1)
          .refine((f) => new Set(f.map((x) => x.path)).size === f.length, 'fields must not repeat'),
      })
      .optional(),
    /**
     * The data source the document data comes from (datasources/<dataSource>/), when it is not the
     * one named after the template: a template made in the studio from a starter reads an existing
     * data source's feeds (issue 21 item 4). None: datasources/<name>/, else the customer record.
     */
    dataSource: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'a data source name (a folder of datasources/)')
      .optional(),
    /** SMS: lint warns when a message needs more parts than this (default 3). */
    sms: z.strictObject({ maxSegments: z.number().int().min(1).max(20).optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.kind === 'letter' && !m.channels.includes('print'))
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'a letter needs the print channel' });
    if (m.kind === 'letter' && !m.editableSections)
      ctx.addIssue({
        code: 'custom',
        path: ['editableSections'],
        message: 'a letter declares what an agent fills in',
      });
    for (const p of sectionLocaleProblems(m.editableSections ?? [], m.locales))
      ctx.addIssue({ code: 'custom', ...p });
  });

export type Manifest = z.output<typeof manifestSchema>;
export type CorrectableField = NonNullable<Manifest['corrections']>['fields'][number];

export const MANIFEST_FILE = 'manifest.json';
export const PRINT_LAYOUT_FILE = 'print.yaml';
export const localeFile = (locale: string): string => `locales/${locale}.json`;
