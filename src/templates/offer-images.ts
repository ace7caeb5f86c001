import { type Problem, problemsError } from './issues.ts';
import { IMAGE_SUFFIX } from './print-layout/images.ts';
import type { TemplatePackage } from './types.ts';

/** Where a package keeps offer images: the catalog's `image: platinum.png` reads this folder. */
export const OFFER_IMAGES_DIR = 'images/offers';
const IMAGE_CHANNELS = ['email', 'print'] as const;

/**
 * What the check reads of an offer catalog (rules' `Catalog` fits it): each offer's content blocks per
 * channel and locale. Stated here because templates sit below rules and must not import them.
 */
export interface OfferImageSource {
  readonly offers: readonly {
    readonly id: string;
    readonly content: {
      readonly [channel: string]:
        | { readonly [locale: string]: { readonly image?: string | undefined } }
        | undefined;
    };
  }[];
}

/**
 * Every offer image the catalog names, on a channel the package renders, that the package lacks:
 * one problem per offer, channel and locale. A package whose data has no `offers` shows none, so it
 * needs none. Pure; the images themselves are checked when the package compiles.
 */
export function missingOfferImages(catalog: OfferImageSource, pkg: TemplatePackage): Problem[] {
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
export function requireOfferImages(catalog: OfferImageSource, pkg: TemplatePackage): void {
  const problems = missingOfferImages(catalog, pkg);
  if (problems.length > 0) throw problemsError('MSV_TEMPLATE_IMAGE_INVALID', OFFER_IMAGES_DIR, problems);
}
