import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDirOrThrow } from '../../src/rules/catalog-loader.ts';
import { missingOfferImages, requireOfferImages } from '../../src/templates/offer-images.ts';
import { loadTemplatePackage, templatePackageFromFiles } from '../../src/templates/package-loader.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('offer images', () => {
  it('every image the bank and telco catalogs name is in each package that shows offers', async () => {
    for (const name of ['bank', 'telco']) {
      const catalog = await loadCatalogDirOrThrow(path.join(root, 'catalogs', name));
      for (const template of [
        'cross-sell-promotion',
        'monthly-statement',
        'insurance-cross-sell',
        'payment-reminder',
      ]) {
        const pkg = await loadTemplatePackage(path.join(root, 'templates', template));
        expect(missingOfferImages(catalog, pkg), `${name} × ${template}`).toEqual([]);
      }
    }
  });

  it('names each offer, channel and locale whose image the package lacks (MSV_TEMPLATE_IMAGE_INVALID)', async () => {
    const catalog = await loadCatalogDirOrThrow(path.join(root, 'catalogs', 'bank'));
    const pkg = await loadTemplatePackage(path.join(root, 'templates', 'cross-sell-promotion'));
    const { 'images/offers/platinum.png.b64': _gone, ...files } = pkg.files;
    const without = templatePackageFromFiles(pkg.name, files);
    expect(missingOfferImages(catalog, without).map((p) => p.path)).toEqual([
      'offer credit-card-upgrade content.email.en-GB.image',
      'offer credit-card-upgrade content.email.zh-CN.image',
      'offer credit-card-upgrade content.print.en-GB.image',
      'offer credit-card-upgrade content.print.zh-CN.image',
    ]);
    expect(() => requireOfferImages(catalog, without)).toThrow(
      expect.objectContaining({
        code: 'MSV_TEMPLATE_IMAGE_INVALID',
        message: expect.stringContaining('platinum.png'),
      }),
    );
  });
});
