import { z } from 'zod';
import { fileError, type Problem, problemsError, problemsFromZod } from './issues.ts';
import { localeFile } from './manifest.ts';
import { parseJsonFile } from './source-file.ts';

/** A locale file: string id → Handlebars string. Ids are dotted words (`table.carriedForward`). */
const localeStringsSchema = z.record(
  z.string().regex(/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/, 'ids are dotted words such as table.date'),
  z.string(),
);

export type LocaleStrings = Readonly<Record<string, string>>;

/** Reads and checks `locales/<locale>.json`; MSV_TEMPLATE_INVALID names the file and every bad id. */
export function readLocaleStrings(files: Readonly<Record<string, string>>, locale: string): LocaleStrings {
  const file = localeFile(locale);
  const text = files[file];
  if (text === undefined) throw fileError(file, '(file)', `missing: the manifest lists locale ${locale}`);
  const source = parseJsonFile(file, text);
  const parsed = localeStringsSchema.safeParse(source.value);
  if (!parsed.success) {
    throw problemsError('MSV_TEMPLATE_INVALID', file, problemsFromZod(parsed.error.issues, source.lineOf));
  }
  return parsed.data;
}

/** Every locale must define every id any other locale defines, so no customer meets a missing string. */
export function checkSameIds(all: ReadonlyMap<string, LocaleStrings>): void {
  const ids = new Set<string>();
  for (const strings of all.values()) for (const id of Object.keys(strings)) ids.add(id);
  for (const [locale, strings] of all) {
    const problems: Problem[] = [...ids]
      .filter((id) => !Object.hasOwn(strings, id))
      .map((id) => ({ path: id, message: 'missing: other locales define this id' }));
    if (problems.length > 0) throw problemsError('MSV_TEMPLATE_INVALID', localeFile(locale), problems);
  }
}
