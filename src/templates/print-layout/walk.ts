import { TemplateText } from '../handlebars/template-text.ts';

export type Visit = (value: unknown, path: readonly PropertyKey[], key: PropertyKey | undefined) => void;

/** Calls `visit` for every value of a parsed layout (depth first), with its path. */
export function walk(value: unknown, visit: Visit, path: readonly PropertyKey[] = []): void {
  visit(value, path, path.at(-1));
  if (value instanceof TemplateText) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, visit, [...path, i]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) walk(item, visit, [...path, key]);
  }
}

/** Every template string of a layout, with its path. */
export function forEachText(
  value: unknown,
  fn: (text: TemplateText, path: readonly PropertyKey[]) => void,
): void {
  walk(value, (v, path) => {
    if (v instanceof TemplateText) fn(v, path);
  });
}
