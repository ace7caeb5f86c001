import type { Coerced } from './coerce.ts';

/**
 * What text a customer field may hold, checked at import before the value is coerced or stored:
 *
 * - a length limit per kind of field, counted in characters (code points), so a 1 MB "name" never
 *   reaches a template, an envelope or an e-mail header;
 * - no control characters. Fields that are printed on one line (id, name, address lines, city,
 *   postal code, e-mail, phone, locale, time zone) take none at all — not even TAB or a line break,
 *   which would add a line to an address block or split a header. Free text (string traits) may hold
 *   TAB, LF and CR, because notes and comments legitimately span lines and render as white space;
 *   NUL, escape and the other C0/C1 controls are refused there too (they are never text, and NUL
 *   truncates strings in C-based tools downstream: print streams, PDF viewers, mail relays);
 * - no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069): they
 *   reorder what is displayed around them ("Trojan Source"), so a name could make a statement or an
 *   agent's screen show something else than the data says. The plain marks U+200E/U+200F are allowed.
 */

export interface TextLimits {
  /** Customer id. */
  id: number;
  name: number;
  /** Each address line, the postal code and the city. */
  addressLine: number;
  email: number;
  /** String traits (mapped or unmapped) and other free text. */
  text: number;
}

export const DEFAULT_TEXT_LIMITS: Readonly<TextLimits> = Object.freeze({
  id: 200,
  name: 200,
  addressLine: 200,
  email: 254,
  text: 1000,
});

/** "line": printed on one line, no control characters; "free": TAB, LF and CR allowed. */
export type TextKind = 'line' | 'free';

export interface TextRule {
  kind: TextKind;
  /** Longest value in characters; Infinity when the field's own format bounds it (phone, locale…). */
  max: number;
  /** Which limit this is, for the message ("name" → limits.name). */
  limit?: keyof TextLimits;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const FREE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

const NAMES: Record<number, string> = {
  0: 'NUL',
  9: 'tab',
  10: 'line feed',
  13: 'carriage return',
  27: 'escape',
  127: 'delete',
  8232: 'line separator',
  8233: 'paragraph separator',
};

export type TextProblem = Extract<Coerced<never>, { ok: false }>;

/** Why a text value breaks the rule (the reason names the character's code point, never the value). */
export function checkText(value: string, rule: TextRule): TextProblem | undefined {
  const controls = rule.kind === 'line' ? LINE_CONTROLS : FREE_CONTROLS;
  const control = controls.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!;
    const name = NAMES[code] ? ` (${NAMES[code]})` : '';
    return {
      ok: false,
      reason: `contains control character ${codePoint(code)}${name}`,
      code: 'MSV_INPUT_CONTROL_CHARACTER',
    };
  }
  const bidi = BIDI_CONTROLS.exec(value);
  if (bidi) {
    return {
      ok: false,
      reason: `contains bidirectional control character ${codePoint(bidi[0].codePointAt(0)!)}`,
      code: 'MSV_INPUT_BIDI_CONTROL',
    };
  }
  if (value.length > rule.max && characters(value) > rule.max) {
    const which = rule.limit ? ` (limits.${rule.limit})` : '';
    return { ok: false, reason: `longer than ${rule.max} characters${which}`, code: 'MSV_INPUT_TOO_LONG' };
  }
  return undefined;
}

/** A coercion that first applies a text rule to string input. */
export function withTextRule<T>(
  coerce: (v: unknown) => Coerced<T>,
  rule: TextRule,
): (v: unknown) => Coerced<T> {
  return (value) => {
    if (typeof value === 'string') {
      const problem = checkText(value, rule);
      if (problem) return problem;
    }
    return coerce(value);
  };
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Code points (a surrogate pair is one character). */
function characters(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
