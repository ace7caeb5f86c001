import { type Config, loadConfig } from '../../core/config.ts';
import { type BrandSource, loadBrandSource } from './brand-source.ts';
import { compileBrand } from './compile-brand.ts';

const loaded = new Map<string, Promise<BrandSource>>();

/**
 * A brand by name from MISSIVE_BRANDS_DIR (default: the shipped brands), checked, once per process:
 * what lint, previews and data-contract checks render with when no run chose a brand. Without a name,
 * the default brand (MISSIVE_DEFAULT_BRAND, `bank`).
 */
export function loadBrandByName(
  name?: string,
  config: Pick<Config, 'brandsDir' | 'defaultBrand'> = loadConfig(),
): Promise<BrandSource> {
  const id = name ?? config.defaultBrand;
  const key = `${config.brandsDir}\u0000${id}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = loadBrandSource(config.brandsDir, id).then((source) => {
      compileBrand(source);
      return source;
    });
    entry.catch(() => loaded.delete(key));
    loaded.set(key, entry);
  }
  return entry;
}

/**
 * Drops the process's copy of a brand (all brands folders), so the next loadBrandByName reads the
 * folder again: the studio calls it after an approved theme change wrote the brand's files.
 */
export function forgetLoadedBrand(id: string): void {
  for (const key of [...loaded.keys()]) if (key.endsWith(`\u0000${id}`)) loaded.delete(key);
}
