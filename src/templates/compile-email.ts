import Handlebars from 'handlebars';
import { compileChannelText } from './compile-sms.ts';
import { parseText } from './handlebars/env.ts';
import type { TemplateText } from './handlebars/template-text.ts';
import { type LocaleStrings, readLocaleStrings } from './locales.ts';
import { MANIFEST_FILE } from './manifest.ts';
import {
  checkResources,
  compileMjml,
  expandIncludes,
  type MaskedSource,
  maskPlaceholders,
  restorePlaceholders,
} from './mjml.ts';
import type { TemplatePackage } from './types.ts';

export const EMAIL_FILE = 'email.mjml';
/** Optional: the plain-text part written by hand; without it the text is derived from the HTML. */
export const EMAIL_TEXT_FILE = 'email.txt';
export const DEFAULT_SUBJECT = "{{t 'email.subject'}}";

/** The email channel of a template version: MJML already compiled; per customer only Handlebars runs. */
export interface CompiledEmail {
  /** Plain text (a header): CR/LF from the data are folded to spaces at render. */
  readonly subject: TemplateText;
  /** HTML with Handlebars' escaping on: data can never add markup. */
  readonly html: TemplateText;
  readonly text: TemplateText;
  /** Per locale: the same parts with static locale strings inlined (the per-customer hot path). */
  readonly locales: ReadonlyMap<string, EmailParts>;
  /** When the subject is exactly one `{{t 'id'}}`: that id, rendered directly from the locale strings. */
  readonly subjectId?: string;
}

export interface EmailParts {
  readonly html: TemplateText;
  readonly text: TemplateText;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * MJML's HTML (placeholders still masked) as readable plain text: head, styles, comments (and so
 * Outlook conditionals) and the hidden preview line go; links keep their target as "label (url)";
 * blocks and line breaks become new lines. Runs once per template version, not per customer.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<head\b[\s\S]*?<\/head>|<style\b[\s\S]*?<\/style>|<!--[\s\S]*?-->/gi, '')
    .replace(/<div\b[^>]*display:\s*none[^>]*>[\s\S]*?<\/div>/gi, '')
    .replace(/<a\b[^>]*?\bhref\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
      const inner = label
        .replace(/<[^>]*>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      return href === '' || href.startsWith('#') || href === inner ? inner : `${inner} (${href})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|tr|h[1-6]|li|table|ul|ol)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const STATIC_T = /^\{\{~?\s*t\s+(['"])([\w.-]+)\1\s*~?\}\}$/;

/**
 * The expressions with every `{{t 'id'}}` whose locale string is static text (no braces, no backslash)
 * replaced by that text, escaped as Handlebars would escape the helper's output: the same bytes, without
 * a helper call per customer.
 */
function inlineStatic(source: MaskedSource, strings: LocaleStrings, html: boolean): MaskedSource {
  const expressions = source.expressions.map((expression) => inlineT(expression, strings, html));
  return { ...source, expressions };
}

/**
 * One expression with `{{t 'id'}}` replaced by its locale string when that gives the same bytes: static
 * text escaped as the helper's output would be; or, for a string made only of text and escaped `{{…}}`
 * (no blocks, no `@` data, no `..`, no whitespace control, no nested `t`), the string's own source — the
 * helper renders it unescaped and the caller escapes the result, and escaping character by character
 * gives the same as escaping each piece, so in HTML its literal text must have nothing to escape.
 */
function inlineT(expression: string, strings: LocaleStrings, html: boolean): string {
  const id = STATIC_T.exec(expression)?.[2];
  const value = id === undefined ? undefined : strings[id];
  if (value === undefined || value.includes('\\')) return expression;
  if (!/[{}]/.test(value)) return html ? Handlebars.Utils.escapeExpression(value) : value;
  return inlinableString(value, html) ? value : expression;
}

function inlinableString(value: string, html: boolean): boolean {
  if (/[@~]|\.\./.test(value)) return false;
  let program: hbs.AST.Program;
  try {
    program = parseText(value);
  } catch {
    return false;
  }
  return program.body.every((node) => {
    if (node.type === 'ContentStatement')
      return !html || !/[&<>"'`=]/.test((node as hbs.AST.ContentStatement).value);
    if (node.type !== 'MustacheStatement') return false;
    const mustache = node as hbs.AST.MustacheStatement;
    return mustache.escaped && (mustache.path as hbs.AST.PathExpression).original !== 't';
  });
}

/**
 * Compiles email.mjml once: includes expanded from the package only, `{{…}}` protected through MJML,
 * triple-stash refused, remote images refused, then the HTML, the plain-text part and the subject
 * compiled as Handlebars (the HTML with escaping, the others as plain text), and once more per locale
 * with its static strings inlined. MJML runs once per version, whatever the number of locales.
 */
export async function compileEmail(pkg: TemplatePackage, ids: ReadonlySet<string>): Promise<CompiledEmail> {
  const source = maskPlaceholders(EMAIL_FILE, expandIncludes(pkg.files, EMAIL_FILE));
  const masked = await compileMjml(EMAIL_FILE, source.masked, source.expressions);
  checkResources(EMAIL_FILE, masked, source.expressions);
  const derivedText = htmlToText(masked);
  const handText = pkg.files[EMAIL_TEXT_FILE];
  const parts = (expressions: MaskedSource, textExpressions: MaskedSource): EmailParts => ({
    html: compileChannelText(
      EMAIL_FILE,
      '(html)',
      restorePlaceholders(EMAIL_FILE, masked, expressions, true),
      'html',
      ids,
    ),
    text:
      handText === undefined
        ? compileChannelText(
            EMAIL_FILE,
            '(text derived from the HTML; write email.txt to set it by hand)',
            restorePlaceholders(EMAIL_FILE, derivedText, textExpressions, false),
            'text',
            ids,
          )
        : compileChannelText(EMAIL_TEXT_FILE, '(text)', handText.replace(/\r?\n$/, ''), 'text', ids),
  });
  const all = parts(source, source);
  const locales = new Map(
    pkg.manifest.locales.map((locale) => {
      const strings = readLocaleStrings(pkg.files, locale);
      return [locale, parts(inlineStatic(source, strings, true), inlineStatic(source, strings, false))];
    }),
  );
  const subject = compileChannelText(
    MANIFEST_FILE,
    'email.subject',
    pkg.manifest.email?.subject ?? DEFAULT_SUBJECT,
    'text',
    ids,
  );
  const subjectId = STATIC_T.exec(subject.source)?.[2];
  return Object.freeze({ subject, ...all, locales, ...(subjectId === undefined ? {} : { subjectId }) });
}
