import type { Kysely } from 'kysely';
import { type Config, loadConfig } from '../core/config.ts';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import { type Catalog, loadPublishedCatalog } from '../rules/index.ts';
import { type Database, type RunRecord, setRunOptionIfAbsent } from '../store/index.ts';
import { type BrandSource, compileBrand, loadBrandByName, loadBrandSource } from '../templates/index.ts';
import type { BlobStore } from './blob-store.ts';
import { type BrandRef, loadStoredBrand, storeBrand } from './brand-store.ts';

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
  /**
   * The brand of `run`'s documents. A run keeps the brand it started with: the version is pinned once
   * per run (in the run's options, `brand`, when the store is given — every worker of the run reads
   * the same one), and a run that starts later, in this or any process, reads the brand folder again,
   * so an approved theme change reaches new runs without restarting workers.
   */
  forRun(
    run: Pick<RunRecord, 'communicationType'> & Partial<Pick<RunRecord, 'id' | 'options'>>,
    catalog: Catalog | undefined,
  ): Promise<RunBrand>;
}

/** Runs whose brand this process keeps in memory (a chunk reads it, not the folder). */
const RUNS_KEPT = 256;

function isBrandRef(value: unknown): value is BrandRef {
  const ref = value as Partial<BrandRef> | undefined;
  return typeof ref?.id === 'string' && typeof ref.sha256 === 'string';
}

/**
 * A run's pinned brand missing from this process's archive says why: the planner stored it in its
 * archive, so a worker (or render child) reading another folder or bucket cannot render the run.
 * The blob store's own error only names a sha256.
 */
function rethrowMissingRunBrand(err: unknown, ref: BrandRef, runId: string | undefined): never {
  if (!isMissiveError(err) || err.code !== 'MSV_ARCHIVE_NOT_FOUND') throw err;
  throw new MissiveError(
    'MSV_ARCHIVE_NOT_FOUND',
    `the brand ${ref.id} (sha256 ${ref.sha256}) pinned on ${runId ? `run ${runId}` : 'this run'} when it was planned is not in this process's archive: every worker of a run must use the planner's archive (the same MISSIVE_DATA_DIR, or the same MISSIVE_ARCHIVE_S3_BUCKET) [${err.message}]`,
    runId ? { runId } : {},
    { cause: err },
  );
}

/**
 * Brands for runs, checked (brand.yaml, logo) and stored in the blob store before the first document
 * names them, so every snapshot's brand can be read back. Brand versions are kept by sha256 (they never
 * change); the folder is read once per run. With `db`, the version a run's first chunk (or its start)
 * found is pinned on the run, so chunks rendered by a worker started after a brand change still match
 * the run's earlier documents.
 */
export function createRunBrands(blobs: BlobStore, given?: BrandSettings, db?: Kysely<Database>): RunBrands {
  // Without settings: MISSIVE_BRANDS_DIR / MISSIVE_DEFAULT_BRAND, read when a brand is first needed.
  let settings = given;
  const versions = new Map<string, Promise<RunBrand>>();
  const runs = new Map<string, Promise<RunBrand>>();
  const keep = <T>(map: Map<string, Promise<T>>, key: string, entry: Promise<T>) => {
    entry.catch(() => map.delete(key));
    map.set(key, entry);
    return entry;
  };
  const version = (sha256: string, make: () => Promise<BrandSource>): Promise<RunBrand> =>
    versions.get(sha256) ??
    keep(
      versions,
      sha256,
      make().then(async (source) => {
        compileBrand(source); // MSV_BRAND_INVALID now, not at the first document
        return { source, ref: await storeBrand(blobs, source) };
      }),
    );
  const stored = (ref: BrandRef, runId?: string) =>
    version(ref.sha256, () =>
      loadStoredBrand(blobs, ref).catch((err) => rethrowMissingRunBrand(err, ref, runId)),
    );
  const current = async (dir: string, name: string): Promise<RunBrand> => {
    const source = await loadBrandSource(dir, name);
    return version(source.sha256, async () => source);
  };
  const resolve = async (
    run: Parameters<RunBrands['forRun']>[0],
    catalog: Catalog | undefined,
  ): Promise<RunBrand> => {
    const pinned = run.options?.brand;
    if (isBrandRef(pinned)) return stored(pinned, run.id);
    settings ??= brandSettingsOf(loadConfig());
    const now = await current(settings.dir, brandNameFor(run, catalog, settings));
    if (!db || !run.id) return now;
    const kept = await setRunOptionIfAbsent(db, run.id, 'brand', now.ref);
    return isBrandRef(kept) && kept.sha256 !== now.ref.sha256 ? stored(kept, run.id) : now;
  };
  return {
    forRun(run, catalog) {
      if (!run.id) return resolve(run, catalog);
      const entry = runs.get(run.id);
      if (entry) return entry;
      if (runs.size >= RUNS_KEPT) runs.delete(runs.keys().next().value as string);
      return keep(runs, run.id, resolve(run, catalog));
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
