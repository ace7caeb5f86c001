import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_BRANDS_DIR } from '../../src/core/config.ts';
import { type BrandSource, brandSourceFromFiles } from '../../src/templates/brand/brand-source.ts';
import { type CompiledBrand, compileBrand } from '../../src/templates/brand/compile-brand.ts';

/** A shipped brand (brands/<name>), read synchronously: for tests that render shipped templates. */
export function testBrandSource(name = 'bank'): BrandSource {
  const dir = path.join(SHIPPED_BRANDS_DIR, name);
  const files = Object.fromEntries(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
  return brandSourceFromFiles(name, files);
}

/** The same, compiled (what renderPrint / renderEmail / renderSms take as `brand`). */
export function testBrand(name = 'bank'): CompiledBrand {
  return compileBrand(testBrandSource(name));
}
