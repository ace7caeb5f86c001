import Handlebars from 'handlebars';
import { HELPERS } from '../helpers/index.ts';
import type { TextDelegate } from './template-text.ts';

/**
 * Missive's own Handlebars environment: `Handlebars.create()` keeps our helpers off the global
 * instance other libraries (or a template) could reach, and no partials are registered.
 */
const env = Handlebars.create();
for (const [name, helper] of Object.entries(HELPERS)) env.registerHelper(name, helper);

/**
 * Where a string ends up decides how it is compiled.
 * - `print` and `text` (PDF glyphs, SMS, plain-text email) compile with `noEscape`: the output is
 *   never parsed as markup, so HTML escaping would only print `&amp;` where the customer's name has `&`.
 * - `html` (email, later) keeps Handlebars' escaping.
 * All are strict (a missing variable is an error, not an empty string) and may only call known
 * helpers, so a typo in a helper name fails when the template is compiled, not at send time.
 */
export type TextContext = 'print' | 'text' | 'html';

const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true]));

function compileOptions(context: TextContext) {
  return { strict: true, noEscape: context !== 'html', knownHelpers, knownHelpersOnly: true } as const;
}

/**
 * Compiles one string once. `precompile` runs the whole compiler now, so syntax errors and unknown
 * helpers surface at compile time; the returned delegate is compiled on its first call and reused.
 */
export function compileText(source: string, context: TextContext): TextDelegate {
  const options = compileOptions(context);
  const ast = env.parse(source);
  env.precompile(ast, options);
  return env.compile(ast, options) as TextDelegate;
}

/** The parsed program, for lint-style walks (which locale ids a string uses). */
export function parseText(source: string): hbs.AST.Program {
  return env.parse(source);
}
