import type { ThemeColor } from './brand-schema.ts';

/**
 * What templates see as `@brand` for one locale: plain JSON (texts picked for the locale, the logo as
 * a data: URI an e-mail can embed). A brand changes nothing but what templates read from it.
 */
export interface BrandView {
  id: string;
  name: string;
  legalName: string;
  logo: { src: string; alt: string; width: number; height: number };
  colors: Record<ThemeColor, string>;
  fonts: { heading: string; body: string; email: string };
  /** The marketing sender (see brand-schema.ts `sender`). */
  sender: { name: string; address: string };
  /** The sender of service e-mails: `serviceSender`, else `sender`. */
  serviceSender: { name: string; address: string };
  replyTo: string;
  website: string;
  phone: string;
  address: string;
  legalFooter: string;
  unsubscribe: string;
}
