import { compileText, type TextContext } from './handlebars/env.ts';
import { lintText } from './handlebars/string-ids.ts';
import { TemplateText } from './handlebars/template-text.ts';
import { fileError, type Problem, problemsError } from './issues.ts';
import type { TemplatePackage } from './types.ts';

export const SMS_FILE = 'sms.hbs';
export const DEFAULT_MAX_SEGMENTS = 3;

/** The SMS channel of a template version: one Handlebars body, compiled once. */
export interface CompiledSms {
  readonly body: TemplateText;
  /** Lint warns past this many parts (manifest `sms.maxSegments`, default 3). */
  readonly maxSegments: number;
  /**
   * When the body is exactly one `{{t 'id'}}` (the usual case): that id. renderSms then renders the
   * locale string directly, which is what the helper would do, without the outer template and call.
   */
  readonly stringId?: string;
}

const ONLY_T = /^\{\{~?\s*t\s+(['"])([\w.-]+)\1\s*~?\}\}$/;

/**
 * Compiles one channel string (email HTML, plain text, subject, SMS body) and binds it to its place, so
 * a failure at render time names the file and path. Syntax errors, unknown helpers, helper-shadowed
 * variables and `t` ids the locale files lack are all reported, every one, before anything renders.
 */
export function compileChannelText(
  file: string,
  path: string,
  source: string,
  context: TextContext,
  ids: ReadonlySet<string>,
): TemplateText {
  const text = new TemplateText(source);
  const problems: Problem[] = [];
  try {
    text.bind({ file, path }, compileText(source, context));
    const lint = lintText(source);
    problems.push(...lint.problems.map((message) => ({ path, message })));
    for (const id of lint.ids.filter((i) => !ids.has(i)))
      problems.push({ path, message: `t: no string "${id}" in the locale files` });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    problems.push({ path, message });
  }
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', file, problems);
  return text;
}

/**
 * sms.hbs compiles in the `text` context: no HTML escaping, because an SMS is shown as plain text and
 * escaping would send "&amp;" to a customer called "Smith & Sons". Customer data is still never
 * compiled (it is only ever the context), and prototype access stays off, as everywhere.
 * One trailing line break (editors add it) is not part of the message.
 */
export function compileSms(pkg: TemplatePackage, ids: ReadonlySet<string>): CompiledSms {
  const source = pkg.files[SMS_FILE];
  if (source === undefined)
    throw fileError(SMS_FILE, '(file)', 'missing: the manifest lists the sms channel');
  const body = compileChannelText(SMS_FILE, '(body)', source.replace(/\r?\n$/, ''), 'text', ids);
  const stringId = ONLY_T.exec(body.source)?.[2];
  return Object.freeze({
    body,
    maxSegments: pkg.manifest.sms?.maxSegments ?? DEFAULT_MAX_SEGMENTS,
    ...(stringId === undefined ? {} : { stringId }),
  });
}
