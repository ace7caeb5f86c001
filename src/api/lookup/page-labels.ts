import type { Kysely } from 'kysely';
import {
  type Catalog,
  offerName,
  storedSuppressionReason,
  traitLabelIfKnown,
  traitValueLabel,
  typeLabel,
  wordsFor,
  wordsFromName,
} from '../../rules/index.ts';
import { type Database, getCatalogVersion, listLatestCatalogVersionIds } from '../../store/index.ts';

/**
 * How the customer page names things for the agent, in the agent's language: traits, communication
 * types and offers by their labels in the latest published catalogs (src/rules/catalog-labels.ts),
 * and a suppressed message's stored reason in the agent's words. Catalogs that define one of the
 * customer's communication types are asked first, then the others, newest first; the first label
 * found wins. Unknown names: a trait in words from its name, a type or offer as undefined (the page
 * shows the id).
 */
export interface PageLabels {
  trait(name: string, locale: string): string;
  /** A trait's value by the catalog's label for it (`plus` → "Plus"); undefined: show it as stored. */
  traitValue(name: string, value: unknown, locale: string): string | undefined;
  type(typeId: string, locale: string): string | undefined;
  offer(offerId: string, locale: string): string | undefined;
  /** A suppressed row's `rule: detail` reason in the agent's words; undefined: show it as stored. */
  suppression(stored: string, locale: string): string | undefined;
}

/** Names from no catalog: traits in words, types and offers by id, reasons as stored. */
export const NO_CATALOG_LABELS: PageLabels = labelsFrom([]);

export async function latestPageLabels(
  db: Kysely<Database>,
  customerTypes: readonly (string | null)[],
): Promise<PageLabels> {
  const catalogs: Catalog[] = [];
  for (const { id } of await listLatestCatalogVersionIds(db)) {
    const catalog = await cachedCatalog(db, id);
    if (catalog) catalogs.push(catalog);
  }
  const types = new Set(customerTypes.filter((t): t is string => t !== null));
  const defines = (c: Catalog) => Object.keys(c.communicationTypes ?? {}).some((t) => types.has(t));
  return labelsFrom([...catalogs.filter(defines), ...catalogs.filter((c) => !defines(c))]);
}

function labelsFrom(catalogs: readonly Catalog[]): PageLabels {
  const first = (pick: (c: Catalog) => string | undefined) => {
    for (const c of catalogs) {
      const found = pick(c);
      if (found) return found;
    }
    return undefined;
  };
  return {
    trait: (name, locale) => first((c) => traitLabelIfKnown(c, name, locale)) ?? wordsFromName(name),
    traitValue: (name, value, locale) => first((c) => traitValueLabel(c, name, value, locale)),
    type: (typeId, locale) => first((c) => typeLabel(c, typeId, locale)),
    offer: (offerId, locale) => first((c) => offerName(c, offerId, locale)),
    suppression: (stored, locale) => storedSuppressionReason(stored, wordsFor(locale)),
  };
}

/** Catalog versions are immutable (content-addressed ids): each is read and parsed once. */
const parsed = new Map<string, Catalog>();
const MAX_CACHED = 32;

async function cachedCatalog(db: Kysely<Database>, id: string): Promise<Catalog | undefined> {
  const known = parsed.get(id);
  if (known) return known;
  const record = await getCatalogVersion(db, id);
  if (!record) return undefined;
  const catalog = record.definition as unknown as Catalog;
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
  parsed.set(id, catalog);
  return catalog;
}
