import Handlebars from 'handlebars';
import { HELPERS } from '../helpers/index.ts';
import { captureSetup, evaluateShared, RUNTIME_OPTIONS, type SharedSetup } from './shared-setup.ts';
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
 * Compiled strings by context and source, process-wide: a delegate depends on nothing else (one
 * environment, fixed options), so a template compiled again — the studio recompiles the whole
 * package on every edit, runs compile each version once — reuses every string it shares with one
 * compiled before. Bounded: the oldest entry goes first.
 */
const compiledTexts = new Map<string, TextDelegate>();
const COMPILED_TEXTS_MAX = 20_000;

/**
 * Compiles one string once. `precompile` runs the whole compiler now, so syntax errors and unknown
 * helpers surface at compile time; the returned delegate is compiled on its first call and reused.
 */
export function compileText(source: string, context: TextContext): TextDelegate {
  const key = `${context}\u0000${source}`;
  const known = compiledTexts.get(key);
  if (known) return known;
  const options = compileOptions(context);
  const ast = env.parse(source);
  env.precompile(ast, options);
  const compiled = env.compile(ast, options) as CompiledText;
  const delegate: TextDelegate = (value, data) => evaluateText(compiled, value, data);
  compiledTexts.set(key, delegate);
  if (compiledTexts.size > COMPILED_TEXTS_MAX) compiledTexts.delete(compiledTexts.keys().next().value!);
  return delegate;
}

let sharedSetup: SharedSetup | undefined;
let shared = true;
/** Tests and benchmarks switch the shared set-up off to prove it changes nothing but speed. */
export function setSharedSetupEnabled(on: boolean): void {
  shared = on;
}

type CompiledText = (context: unknown, options: object) => string;

/**
 * Evaluates a compiled string with `data` as its `@` data (and RUNTIME_OPTIONS): with one Handlebars
 * set-up for all calls (shared-setup.ts) instead of one per call.
 */
function evaluateText(compiled: CompiledText, context: unknown, data: object): string {
  if (!shared) return compiled(context, { data, ...RUNTIME_OPTIONS });
  sharedSetup ??= captureSetup(env);
  return evaluateShared(env, sharedSetup, compiled, context, data);
}

/** The parsed program, for lint-style walks (which locale ids a string uses). */
export function parseText(source: string): hbs.AST.Program {
  return env.parse(source);
}
