/**
 * How many SMS parts a text costs (3GPP TS 23.038 / 23.040).
 * - GSM-7 when every character is in the basic set or the extension table (an extension character is
 *   sent as ESC + char, so it costs 2 septets): 160 septets in one message, 153 per part once split
 *   (the user-data header takes 7), and an ESC pair is never split across two parts.
 * - UCS-2 otherwise, counted in UTF-16 code units: 70 in one message, 67 per part; a surrogate pair
 *   (an emoji, a rare CJK ideograph) is never split across two parts.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
  /** Parts the text is sent in; an empty text still costs one message. */
  segments: number;
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

/** Septets per UTF-16 code unit: 1 basic, 2 extension, 0 not GSM-7. Every GSM-7 character is in the BMP. */
const SEPTETS = new Uint8Array(0x10000);
for (const c of GSM7_BASIC) SEPTETS[c.charCodeAt(0)] = 1;
for (const c of GSM7_EXTENSION) SEPTETS[c.charCodeAt(0)] = 2;

const LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

export function smsEncoding(text: string): SmsEncoding {
  for (let i = 0; i < text.length; i += 1) if (SEPTETS[text.charCodeAt(i)] === 0) return 'UCS-2';
  return 'GSM-7';
}

/** Cost of the character starting at index i, and how many code units it spans. */
function unitAt(text: string, i: number, encoding: SmsEncoding): { cost: number; span: number } {
  const code = text.charCodeAt(i);
  if (encoding === 'GSM-7') return { cost: SEPTETS[code]!, span: 1 };
  const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
  const low = pair ? text.charCodeAt(i + 1) : 0;
  const span = pair && low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
  return { cost: span, span };
}

/**
 * The text cut into the parts it is sent in: greedy, never splitting an ESC pair or a surrogate pair.
 * One part when the text fits a single message.
 */
export function splitSms(text: string): { encoding: SmsEncoding; units: number; parts: string[] } {
  const encoding = smsEncoding(text);
  const limit = LIMITS[encoding];
  const parts: string[] = [];
  let units = 0;
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length; ) {
    const { cost, span } = unitAt(text, i, encoding);
    if (used + cost > limit.part) {
      parts.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += cost;
    units += cost;
    i += span;
  }
  if (units <= limit.single) return { encoding, units, parts: [text] };
  parts.push(text.slice(start));
  return { encoding, units, parts };
}

/**
 * Encoding, length and part count (the per-message hot path): one pass over the text; the parts are
 * only walked when the text does not fit a single message. UCS-2 costs one unit per UTF-16 code unit
 * (a surrogate pair costs its two), so its length is the string's.
 */
export function smsSegments(text: string): SmsSegments {
  let encoding: SmsEncoding = 'GSM-7';
  let units = 0;
  for (let i = 0; i < text.length; i += 1) {
    const septets = SEPTETS[text.charCodeAt(i)]!;
    if (septets === 0) {
      encoding = 'UCS-2';
      units = text.length;
      break;
    }
    units += septets;
  }
  if (units <= LIMITS[encoding].single) return { encoding, units, segments: 1 };
  return { encoding, units, segments: splitSms(text).parts.length };
}
