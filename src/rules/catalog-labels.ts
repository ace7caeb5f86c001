import type { Catalog } from './catalog.ts';

/**
 * Names for people from the catalog, in the reader's language: a trait (raw or computed) or segment
 * by its `label`, a communication type by its `label`, an offer by its `name`. Each looks for the
 * locale itself (`zh-CN`), then a label of the same language (`zh`), then en-GB; a trait without a
 * label is named by its description (up to the first comma), else by its name in words
 * (`valueTier` → "value tier"), so a name is never missing, only less polished.
 */

type Labels = Record<string, string> | undefined;
type CatalogPart = Pick<Catalog, 'traits'> | undefined;

/** The text for a locale from a per-locale label: the locale, then its language, then en-GB. */
export function pickLabel(labels: Labels, locale: string): string | undefined {
  if (!labels) return undefined;
  const exact = labels[locale];
  if (exact) return exact;
  const language = locale.split('-')[0]!.toLowerCase();
  const sameLanguage = Object.keys(labels).find((k) => k.split('-')[0]!.toLowerCase() === language);
  return (sameLanguage ? labels[sameLanguage] : undefined) ?? labels['en-GB'];
}

/** A trait or segment's name in words, from its identifier: `valueTier` → "value tier". */
export function wordsFromName(name: string): string {
  return name
    .replace(/^segments\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/**
 * A trait's name for people in a locale: its label, else its description, else its name in words.
 * Raw traits, computed traits and segments (`segments.youngFamilies` or the bare id) are looked up.
 */
export function traitLabel(catalog: CatalogPart, name: string, locale = 'en-GB'): string {
  return traitLabelIfKnown(catalog, name, locale) ?? wordsFromName(name);
}

/** A trait's label or description in the catalog, else undefined (the catalog does not name it). */
export function traitLabelIfKnown(catalog: CatalogPart, name: string, locale: string): string | undefined {
  const entry = traitEntry(catalog, name);
  const labelled = pickLabel(entry?.label, locale);
  if (labelled) return labelled;
  return entry?.description ? entry.description.split(',')[0]!.trim() : undefined;
}

/**
 * A trait value's name for people in a locale (`plus` → "Plus" / "增值"), from the trait's `values`
 * in the catalog, else undefined (the caller shows the value as stored).
 */
export function traitValueLabel(
  catalog: CatalogPart,
  name: string,
  value: unknown,
  locale: string,
): string | undefined {
  if (typeof value !== 'string') return undefined;
  const values = traitEntry(catalog, name)?.values;
  return values && Object.hasOwn(values, value) ? pickLabel(values[value], locale) : undefined;
}

function traitEntry(
  catalog: CatalogPart,
  name: string,
):
  | {
      label?: Record<string, string> | undefined;
      description?: string | undefined;
      values?: Record<string, Record<string, string>> | undefined;
    }
  | undefined {
  const file = catalog?.traits;
  if (!file) return undefined;
  const segment = /^segments\.(.+)$/.exec(name)?.[1];
  if (segment !== undefined) return file.segments?.find((s) => s.id === segment);
  return (
    (Object.hasOwn(file.traits ?? {}, name) ? file.traits[name] : undefined) ??
    file.computed?.find((c) => c.name === name) ??
    file.segments?.find((s) => s.id === name)
  );
}

/** A communication type's name for people in a locale, else undefined (the caller shows its id). */
export function typeLabel(
  catalog: Pick<Catalog, 'communicationTypes'> | undefined,
  typeId: string,
  locale: string,
): string | undefined {
  const types = catalog?.communicationTypes;
  if (!types || !Object.hasOwn(types, typeId)) return undefined;
  return pickLabel(types[typeId]?.label, locale);
}

/** An offer's name in a locale (its catalog `name`), else undefined (the caller shows its id). */
export function offerName(
  catalog: Pick<Catalog, 'offers'> | undefined,
  offerId: string,
  locale: string,
): string | undefined {
  return pickLabel(catalog?.offers?.find((o) => o.id === offerId)?.name, locale);
}
