import { HelperError, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

/**
 * `{{t 'greeting'}}` or `{{t 'page.xOfY' number=page.number count=page.count}}`: the string with that id
 * in the document's locale file, itself a Handlebars template, evaluated with the current context plus
 * the hash arguments.
 */
export function tHelper(this: unknown, ...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [id] = params;
  if (typeof id !== 'string') throw new HelperError('t: the first argument must be a string id');
  const runtime = runtimeOf(options);
  const text = runtime.strings.get(id);
  if (!text) throw new HelperError(`t: no string "${id}" for locale ${runtime.locale}`);
  const scope = typeof this === 'object' && this !== null ? this : {};
  // Without hash arguments the context itself is the scope: no copy of the data per call.
  for (const _ in options.hash) return text.render({ ...scope, ...options.hash }, runtime);
  return text.render(scope, runtime);
}
