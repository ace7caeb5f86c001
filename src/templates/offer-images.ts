import type { Catalog } from '../rules/catalog.ts';
import { type Problem, problemsError } from './issues.ts';
import { IMAGE_SUFFIX } from './print-layout/images.ts';
import type { TemplatePackage } from './types.ts';

/** Where a package keeps offer images: the catalog's `image: platinum.png` reads this folder. */
export const OFFER_IMAGES_DIR = 'images/offers';
const IMAGE_CHANNELS = ['email', 'print'] as const;

/**
 * Every offer image the catalog names, on a channel the package renders, that the package lacks:
 * one problem per offer, channel and locale. A package whose data has no `offers` shows none, so it
 * needs none. Pure; the images themselves are checked when the package compiles.
 */
export function missingOfferImages(catalog: Pick<Catalog, 'offers'>, pkg: TemplatePackage): Problem[] {
  const schema = pkg.manifest.dataSchema as { properties?: Record<string, unknown> };
  if (!schema.properties || !('offers' in schema.properties)) return [];
  const problems: Problem[] = [];
  for (const offer of catalog.offers) {
    for (const channel of IMAGE_CHANNELS) {
      if (!pkg.manifest.channels.includes(channel)) continue;
      for (const [locale, block] of Object.entries(offer.content[channel] ?? {})) {
        if (!block.image) continue;
        const file = `${OFFER_IMAGES_DIR}/${block.image}${IMAGE_SUFFIX}`;
        if (pkg.files[file] === undefined) {
          problems.push({
            path: `offer ${offer.id} content.${channel}.${locale}.image`,
            message: `${block.image}: the package has no ${file}`,
          });
        }
      }
    }
  }
  return problems;
}

/** missingOfferImages as an error (MSV_TEMPLATE_IMAGE_INVALID listing every missing image), if any. */
export function requireOfferImages(catalog: Pick<Catalog, 'offers'>, pkg: TemplatePackage): void {
  const problems = missingOfferImages(catalog, pkg);
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_IMAGE_INVALID', OFFER_IMAGES_DIR, problems);
}
