import { MissiveError } from '../core/errors.ts';
import { type BrandSource, decodeBrandSource, encodeBrandSource } from '../templates/index.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Brands are kept in the blob store under their sha256 (the canonical text of their files), so a
 * document's sealed inputs only name the brand ({id, sha256}) and `missive verify` reads back exactly
 * the brand it was rendered with, verified on read, whatever brands/ holds today. Brand texts are
 * not personal data: they are stored in the clear and shared by every document of the brand.
 */
export interface BrandRef {
  id: string;
  sha256: string;
}

export async function storeBrand(blobs: BlobStore, brand: BrandSource): Promise<BrandRef> {
  const bytes = Buffer.from(encodeBrandSource(brand.id, brand.files), 'utf8');
  await blobs.put(bytes, brand.sha256);
  return { id: brand.id, sha256: brand.sha256 };
}

/** The stored brand a snapshot names; MSV_ARCHIVE_TAMPERED when the blob is not that brand. */
export async function loadStoredBrand(blobs: BlobStore, ref: BrandRef): Promise<BrandSource> {
  const brand = decodeBrandSource(Buffer.from(await blobs.get(ref.sha256)).toString('utf8'));
  if (brand.id !== ref.id || brand.sha256 !== ref.sha256) {
    throw new MissiveError(
      'MSV_ARCHIVE_TAMPERED',
      `stored brand ${ref.sha256} is ${brand.id}@${brand.sha256}, not ${ref.id}`,
    );
  }
  return brand;
}
