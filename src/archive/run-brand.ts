import type { Kysely } from 'kysely';
import { type Config, loadConfig } from '../core/config.ts';
import { isMissiveError } from '../core/errors.ts';
import { type Catalog, loadPublishedCatalog } from '../rules/index.ts';
import type { Database, RunRecord } from '../store/index.ts';
import { type BrandSource, compileBrand, loadBrandByName, loadBrandSource } from '../templates/index.ts';
import type { BlobStore } from './blob-store.ts';
import { type BrandRef, storeBrand } from './brand-store.ts';

/** Where brands come from: MISSIVE_BRANDS_DIR (default: the brands Missive ships) and the default. */
export interface BrandSettings {
  dir: string;
  /** MISSIVE_DEFAULT_BRAND: the brand of runs whose type no catalog brands (service documents). */
  defaultBrand: string;
}

/** Where brands come from, as the configuration says (brands folder, default brand). */
export function brandSettingsOf(config: Pick<Config, 'brandsDir' | 'defaultBrand'>): BrandSettings {
  return { dir: config.brandsDir, defaultBrand: config.defaultBrand };
}

/**
 * The brand a run's documents are made for: the published catalog's `brand` when the catalog has the
 * run's communication type, else the default brand (a statement or bill run without a branded
 * catalog). Pure choice; the I/O is in RunBrands.
 */
export function brandNameFor(
  run: Pick<RunRecord, 'communicationType'>,
  catalog: (Pick<Catalog, 'communicationTypes'> & { brand?: string | undefined }) | undefined,
  settings: Pick<BrandSettings, 'defaultBrand'>,
): string {
  if (catalog?.brand && run.communicationType in catalog.communicationTypes) return catalog.brand;
  return settings.defaultBrand;
}

export interface RunBrand {
  source: BrandSource;
  /** What the sealed input snapshot names; the brand is in the blob store under it. */
  ref: BrandRef;
}

export interface RunBrands {
  forRun(run: Pick<RunRecord, 'communicationType'>, catalog: Catalog | undefined): Promise<RunBrand>;
}

/**
 * Brands read once per process and name (a brand edited on disk reaches runs in processes started
 * after the edit), checked (brand.yaml, logo) and stored in the blob store before the first document
 * names them, so every snapshot's brand can be read back.
 */
export function createRunBrands(blobs: BlobStore, given?: BrandSettings): RunBrands {
  // Without settings: MISSIVE_BRANDS_DIR / MISSIVE_DEFAULT_BRAND, read when a brand is first needed.
  let settings = given;
  const loaded = new Map<string, Promise<RunBrand>>();
  const load = async (dir: string, name: string): Promise<RunBrand> => {
    const source = await loadBrandSource(dir, name);
    compileBrand(source); // MSV_BRAND_INVALID now, not at the first document
    return { source, ref: await storeBrand(blobs, source) };
  };
  return {
    forRun(run, catalog) {
      settings ??= brandSettingsOf(loadConfig());
      const name = brandNameFor(run, catalog, settings);
      let entry = loaded.get(name);
      if (!entry) {
        entry = load(settings.dir, name);
        entry.catch(() => loaded.delete(name));
        loaded.set(name, entry);
      }
      return entry;
    },
  };
}

/**
 * The brand a preview of `communicationType` shows (CLI, API, studio): the one a run of it would use
 * now — the published catalog's brand when the catalog has the type, else the default brand.
 */
export async function brandForType(db: Kysely<Database>, communicationType: string): Promise<BrandSource> {
  let catalog: Catalog | undefined;
  try {
    catalog = (await loadPublishedCatalog(db)).catalog;
  } catch (err) {
    if (!isMissiveError(err) || err.code !== 'MSV_RULES_NOT_PUBLISHED') throw err;
  }
  const config = loadConfig();
  return loadBrandByName(brandNameFor({ communicationType }, catalog, brandSettingsOf(config)), config);
}
