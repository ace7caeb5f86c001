import { didYouMean } from '../core/did-you-mean.ts';
import { MissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';

/** Moved to core/did-you-mean.ts (template, catalog and command names use it too). */
export { didYouMean };
/**
 * One name for what is run: `missive run <type>`, `missive decide --type <type>`, `POST /api/runs`
 * and the run report all name a **communication type** of the published catalog, and the type names
 * the template package it renders (`template:` in communication-types.yaml, default: the type's own
 * id). A name the catalog does not declare may still run as a **service document** (a statement, a
 * bill, a reminder: see `isServiceDocumentName`) when a template of that name is published; such a
 * run makes no decision and carries no offers. Anything else is MSV_RULES_UNKNOWN_TYPE, listing the
 * names that do run, with the closest one as "did you mean".
 */

/** What the resolution needs of a catalog (the published definition or a folder being linted). */
export interface CatalogTypes {
  readonly name: string;
  readonly communicationTypes: Readonly<
    Record<string, { purpose: 'service' | 'marketing'; channels: readonly ChannelKind[]; template?: string }>
  >;
}

export type RunType =
  | {
      kind: 'catalog';
      type: string;
      template: string;
      purpose: 'service' | 'marketing';
      catalog: string;
      channels: readonly ChannelKind[];
    }
  | { kind: 'service-document'; type: string; template: string; purpose: 'service' };

/**
 * Names that read as documents the customer is owed (also dispatch's rule without a catalog); a
 * `letter` is an agent's ad-hoc correspondence (issue 19 item 3, templates/general-letter).
 */
const SERVICE_NAMES = /statement|bill|reminder|invoice|notice|letter/;

/** A template of this name may run as a service document without a catalog entry. */
export function isServiceDocumentName(name: string): boolean {
  return SERVICE_NAMES.test(name);
}

/** The template package a communication type renders. */
export function templateOfType(typeId: string, type: { template?: string | undefined }): string {
  return type.template ?? typeId;
}

/** The catalog types that render this template, in declaration order. */
export function typesUsingTemplate(catalog: CatalogTypes, template: string): string[] {
  return Object.entries(catalog.communicationTypes)
    .filter(([id, t]) => templateOfType(id, t) === template)
    .map(([id]) => id);
}

/**
 * The communication type a template preview decides for: the template's name when the catalog
 * declares it, else the first type that renders the template; undefined when none does.
 */
export function typeForTemplate(catalog: CatalogTypes, template: string): string | undefined {
  if (template in catalog.communicationTypes) return template;
  return typesUsingTemplate(catalog, template)[0];
}

/**
 * Resolves what `name` runs. `templates` are the names of published templates.
 * Throws MSV_RULES_UNKNOWN_TYPE when `name` runs nothing (see the module comment).
 */
export function resolveRunType(
  name: string,
  catalog: CatalogTypes | undefined,
  templates: readonly string[],
): RunType {
  const type = catalog?.communicationTypes[name];
  if (catalog && type) {
    return {
      kind: 'catalog',
      type: name,
      template: templateOfType(name, type),
      purpose: type.purpose,
      catalog: catalog.name,
      channels: type.channels,
    };
  }
  const claimedBy = catalog ? typesUsingTemplate(catalog, name) : [];
  if (claimedBy.length === 0 && templates.includes(name) && isServiceDocumentName(name))
    return { kind: 'service-document', type: name, template: name, purpose: 'service' };
  throw unknownTypeError(name, catalog, templates, claimedBy);
}

/** The names that run something: the catalog's types, then the service-document templates. */
export function runnableNames(catalog: CatalogTypes | undefined, templates: readonly string[]): string[] {
  const types = catalog ? Object.keys(catalog.communicationTypes) : [];
  const claimed = new Set(
    catalog ? types.map((id) => templateOfType(id, catalog.communicationTypes[id]!)) : [],
  );
  const services = templates.filter((t) => isServiceDocumentName(t) && !claimed.has(t) && !types.includes(t));
  return [...types, ...[...new Set(services)].sort()];
}

/** MSV_RULES_UNKNOWN_TYPE for `name`, saying why it does not run and what does. */
export function unknownTypeError(
  name: string,
  catalog: CatalogTypes | undefined,
  templates: readonly string[],
  claimedBy: readonly string[] = catalog ? typesUsingTemplate(catalog, name) : [],
): MissiveError {
  const where = catalog ? `catalog ${catalog.name}` : 'the published catalog (none is published)';
  const known = runnableNames(catalog, templates);
  let why: string;
  let guess: string | undefined;
  if (claimedBy.length > 0) {
    why = `"${name}" is not a communication type of ${where}: it is the template of ${claimedBy.join(', ')} — use ${claimedBy[0]}`;
  } else if (templates.includes(name)) {
    why = `"${name}" is a template but not a communication type of ${where}; a template runs as a type of the catalog (communication-types.yaml: template: ${name}), or without one only as a service document (a statement, bill, reminder, invoice, notice or letter)`;
  } else {
    guess = didYouMean(name, known);
    why = `no communication type "${name}" in ${where}`;
  }
  const list = known.length > 0 ? describeKnown(known, catalog) : 'none (publish a catalog or a template)';
  return new MissiveError(
    'MSV_RULES_UNKNOWN_TYPE',
    `${why}. Known: ${list}.${guess ? ` Did you mean ${guess}?` : ''}`,
    { field: 'type', ...(catalog ? { catalog: catalog.name } : {}) },
  );
}

function describeKnown(known: readonly string[], catalog: CatalogTypes | undefined): string {
  return known
    .map((n) => {
      const t = catalog?.communicationTypes[n];
      if (!t) return `${n} (service document)`;
      const template = templateOfType(n, t);
      return template === n ? n : `${n} (template ${template})`;
    })
    .join(', ');
}
