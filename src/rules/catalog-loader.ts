import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.ts';
import { MissiveError } from '../core/errors.ts';
import {
  type Catalog,
  catalogFileSchema,
  communicationTypesFileSchema,
  offersFileSchema,
  traitsFileSchema,
} from './catalog.ts';
import { formatPath, type RuleIssue } from './issues.ts';

export const CATALOG_FILE = 'catalog.yaml';
export const TRAITS_FILE = 'traits.yaml';
export const TYPES_FILE = 'communication-types.yaml';
export const OFFERS_DIR = 'offers';

/**
 * Reads a catalog folder. Every file is checked against its schema and every problem is reported
 * (file + path + message), not just the first; the catalog is returned only when all files parse.
 */
export async function loadCatalogDir(dir: string): Promise<{ catalog?: Catalog; issues: RuleIssue[] }> {
  const issues: RuleIssue[] = [];
  const missing = await missingFolder(dir);
  if (missing) return { issues: [missing] };
  const read = <S extends z.ZodType>(file: string, schema: S) => readYaml(dir, file, schema, issues);
  const head = await read(CATALOG_FILE, catalogFileSchema);
  const traits = await read(TRAITS_FILE, traitsFileSchema);
  const types = await read(TYPES_FILE, communicationTypesFileSchema);
  const offerFiles = await listOfferFiles(dir, issues);
  const offers: Catalog['offers'] = [];
  const where: Record<string, string> = {};
  for (const file of offerFiles) {
    const parsed = await read(file, offersFileSchema);
    for (const [i, offer] of (parsed?.offers ?? []).entries()) {
      if (where[offer.id]) {
        issues.push({
          code: 'MSV_RULES_CATALOG_INVALID',
          offerId: offer.id,
          file,
          path: `offers[${i}].id`,
          message: `offer id ${offer.id} is already defined in ${where[offer.id]}`,
        });
      }
      where[offer.id] = file;
      offers.push(offer);
    }
  }
  if (!head || !traits || !types || issues.length > 0) return { issues };
  return {
    catalog: { ...head, traits, communicationTypes: types.types, offers, offerFiles: where },
    issues,
  };
}

/** Like loadCatalogDir, but throws MSV_RULES_CATALOG_INVALID naming the first problem. */
export async function loadCatalogDirOrThrow(dir: string): Promise<Catalog> {
  const { catalog, issues } = await loadCatalogDir(dir);
  if (catalog) return catalog;
  const first = issues[0];
  throw new MissiveError(
    'MSV_RULES_CATALOG_INVALID',
    `${first?.file ?? dir} at ${first?.path || '(root)'}: ${first?.message ?? 'invalid'}`,
    { file: first?.file ?? dir, field: first?.path, issues: issues.length },
  );
}

/** A catalog folder that does not exist is one issue, with the nearest sibling folder as "did you mean". */
async function missingFolder(dir: string): Promise<RuleIssue | undefined> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (stat?.isDirectory()) return undefined;
  const siblings = await fs.readdir(path.dirname(path.resolve(dir)), { withFileTypes: true }).catch(() => []);
  const near = didYouMean(
    path.basename(path.resolve(dir)),
    siblings.filter((e) => e.isDirectory()).map((e) => e.name),
  );
  return {
    code: 'MSV_RULES_CATALOG_INVALID',
    file: dir,
    path: '',
    message: `no catalog folder here${near ? `. Did you mean ${path.join(path.dirname(dir), near)}?` : ''}`,
  };
}

async function listOfferFiles(dir: string, issues: RuleIssue[]): Promise<string[]> {
  try {
    const names = await fs.readdir(path.join(dir, OFFERS_DIR));
    return names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => `${OFFERS_DIR}/${n}`);
  } catch {
    issues.push({
      code: 'MSV_RULES_CATALOG_INVALID',
      file: OFFERS_DIR,
      path: '',
      message: `the catalog has no ${OFFERS_DIR}/ folder of offer files`,
    });
    return [];
  }
}

async function readYaml<S extends z.ZodType>(
  dir: string,
  file: string,
  schema: S,
  issues: RuleIssue[],
): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, file), 'utf8');
  } catch {
    issues.push({ code: 'MSV_RULES_CATALOG_INVALID', file, path: '', message: 'file is missing' });
    return undefined;
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      issues.push({
        code: 'MSV_RULES_CATALOG_INVALID',
        file,
        path: `line ${e.linePos?.[0]?.line}`,
        message: e.message,
      });
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({
      code: 'MSV_RULES_CATALOG_INVALID',
      file,
      path: formatPath(issue.path),
      message: issue.message,
    });
  }
  return undefined;
}
