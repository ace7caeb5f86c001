import { z } from 'zod';

/**
 * brands/<id>/brand.yaml: who a document comes from and how it looks. Every template reads it —
 * `@brand.*` in Handlebars (name, sender, legal texts, colours, the logo) and `brand.<colour>` /
 * `brand.heading` / `brand.body` tokens in print.yaml styles and colours — so no template hard-codes
 * a colour, a sender or a legal line. Texts are one string or one per locale.
 */

const locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as zh-CN');
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #0b3d6e');
/** One text for every locale, or one per locale (a locale without its own takes the first). */
const localized = z.union([z.string().min(1), z.record(locale, z.string().min(1))]);
const email = z.string().regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, 'an address such as news@bank.example');

/** The theme colours every brand defines; templates name them, never a hex value. */
export const THEME_COLORS = [
  'primary',
  'accent',
  'text',
  'muted',
  'background',
  'surface',
  'line',
  'panel',
  'tint',
  'zebra',
  'onAccent',
] as const;
export type ThemeColor = (typeof THEME_COLORS)[number];

/** Print font roles; their values are font names of src/render/pdf/fonts.ts. */
export const THEME_FONTS = ['heading', 'body'] as const;
export type ThemeFont = (typeof THEME_FONTS)[number];

export const brandFileSchema = z.strictObject({
  name: localized,
  legalName: z.string().min(1),
  /** A PNG (or JPEG) of the brand folder, stored as base64 text (`logo.png` reads `logo.png.b64`). */
  logo: z.strictObject({
    file: z.string().regex(/^[\w-]+(\/[\w-]+)*\.(png|jpe?g)$/i, 'a file such as logo.png'),
    alt: localized,
  }),
  colors: z.strictObject(
    Object.fromEntries(THEME_COLORS.map((c) => [c, hex])) as Record<ThemeColor, typeof hex>,
  ),
  fonts: z.strictObject({
    heading: z.string().min(1),
    body: z.string().min(1),
    /** The CSS font stack of e-mails. */
    email: z.string().min(1),
  }),
  /** The From of marketing e-mails, and of service e-mails when there is no `serviceSender`. */
  sender: z.strictObject({ name: localized, address: email }),
  /**
   * The From of service e-mails (statements, bills, notices: the delivery policy's `purpose: service`),
   * kept apart from the marketing sender so that unsubscribes, spam reports and reputation of one do not
   * touch the other.
   */
  serviceSender: z.strictObject({ name: localized, address: email }).optional(),
  replyTo: email.optional(),
  website: z.string().url().optional(),
  phone: localized.optional(),
  /** The postal address letters show as return address and e-mails in their footer. */
  address: localized,
  legalFooter: localized,
  /** The wording before the unsubscribe link of marketing e-mails. */
  unsubscribe: localized,
});

export type BrandFile = z.output<typeof brandFileSchema>;
export type Localized = z.output<typeof localized>;

/** A print.yaml value `brand.primary`: a theme colour, resolved from the run's brand at render. */
export const COLOR_TOKEN = new RegExp(`^brand\\.(${THEME_COLORS.join('|')})$`);
/** A print.yaml font `brand.heading` / `brand.body`. */
export const FONT_TOKEN = new RegExp(`^brand\\.(${THEME_FONTS.join('|')})$`);
