import { MissiveError } from '../../core/errors.ts';
import { problemsError, problemsFromZod } from '../issues.ts';
import { checkImage, IMAGE_SUFFIX, type ImageAsset } from '../print-layout/images.ts';
import { parseYamlFile } from '../source-file.ts';
import {
  type BrandFile,
  brandFileSchema,
  type Localized,
  type ThemeColor,
  type ThemeFont,
} from './brand-schema.ts';
import { BRAND_FILE, type BrandSource } from './brand-source.ts';
import type { BrandView } from './brand-view.ts';

export type { BrandView };

/** A brand checked once per version: its spec, its logo and a view per locale. */
export interface CompiledBrand {
  readonly source: BrandSource;
  /** The brand version (its source's sha256). */
  readonly sha256: string;
  readonly spec: BrandFile;
  readonly logo: ImageAsset;
  readonly colors: Readonly<Record<ThemeColor, string>>;
  readonly fonts: Readonly<Record<ThemeFont, string>>;
  view(locale: string): BrandView;
}

function pick(text: Localized, locale: string): string {
  if (typeof text === 'string') return text;
  return text[locale] ?? Object.values(text)[0] ?? '';
}

function readSpec(source: BrandSource): BrandFile {
  const text = source.files[BRAND_FILE];
  if (text === undefined) {
    throw new MissiveError('MSV_BRAND_INVALID', `brand ${source.id} has no ${BRAND_FILE}`, {
      file: BRAND_FILE,
    });
  }
  const file = parseYamlFile(BRAND_FILE, text);
  const parsed = brandFileSchema.safeParse(file.value);
  if (!parsed.success) {
    throw problemsError('MSV_BRAND_INVALID', BRAND_FILE, problemsFromZod(parsed.error.issues, file.lineOf));
  }
  return parsed.data;
}

function readLogo(source: BrandSource, spec: BrandFile): ImageAsset {
  const text = source.files[spec.logo.file + IMAGE_SUFFIX];
  const fail = (message: string) =>
    problemsError('MSV_BRAND_INVALID', BRAND_FILE, [{ path: 'logo.file', message }]);
  if (text === undefined) throw fail(`no file ${spec.logo.file}${IMAGE_SUFFIX} in brand ${source.id}`);
  try {
    return checkImage(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  } catch (error) {
    throw fail(`${spec.logo.file} ${error instanceof Error ? error.message : String(error)}`);
  }
}

function compile(source: BrandSource): CompiledBrand {
  const spec = readSpec(source);
  const logo = readLogo(source, spec);
  const logoSrc = `data:image/${logo.kind};base64,${logo.bytes.toString('base64')}`;
  const views = new Map<string, BrandView>();
  const view = (locale: string): BrandView => {
    let found = views.get(locale);
    if (!found) {
      found = Object.freeze({
        id: source.id,
        name: pick(spec.name, locale),
        legalName: spec.legalName,
        logo: { src: logoSrc, alt: pick(spec.logo.alt, locale), width: logo.width, height: logo.height },
        colors: { ...spec.colors },
        fonts: { ...spec.fonts },
        sender: { name: pick(spec.sender.name, locale), address: spec.sender.address },
        serviceSender: {
          name: pick((spec.serviceSender ?? spec.sender).name, locale),
          address: (spec.serviceSender ?? spec.sender).address,
        },
        replyTo: spec.replyTo ?? spec.sender.address,
        website: spec.website ?? '',
        phone: spec.phone === undefined ? '' : pick(spec.phone, locale),
        address: pick(spec.address, locale),
        legalFooter: pick(spec.legalFooter, locale),
        unsubscribe: pick(spec.unsubscribe, locale),
      });
      views.set(locale, found);
    }
    return found;
  };
  return Object.freeze({
    source,
    sha256: source.sha256,
    spec,
    logo,
    colors: Object.freeze({ ...spec.colors }),
    fonts: Object.freeze({ heading: spec.fonts.heading, body: spec.fonts.body }),
    view,
  });
}

const compiled = new Map<string, CompiledBrand>();
const MAX_CACHED = 32;

/**
 * The brand checked and ready (spec, logo, views), once per process per brand version (sha256): a run
 * renders a million documents with one brand. MSV_BRAND_INVALID lists every problem of brand.yaml.
 */
export function compileBrand(source: BrandSource): CompiledBrand {
  let brand = compiled.get(source.sha256);
  if (!brand) {
    brand = compile(source);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value ?? '');
    compiled.set(source.sha256, brand);
  }
  return brand;
}
