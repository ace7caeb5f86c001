import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../core/types.ts';

/**
 * manifest.json: what a template package is, independent of its version (the version is the
 * content hash of the package, see package-loader.ts).
 */
export const manifestSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1),
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
  /** SMS: lint warns when a message needs more parts than this (default 3). */
  sms: z.strictObject({ maxSegments: z.number().int().min(1).max(20).optional() }).optional(),
});

export type Manifest = z.output<typeof manifestSchema>;

export const MANIFEST_FILE = 'manifest.json';
export const PRINT_LAYOUT_FILE = 'print.yaml';
export const localeFile = (locale: string): string => `locales/${locale}.json`;
