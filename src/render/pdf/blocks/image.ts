import { MissiveError } from '../../../core/errors.ts';
import {
  type ImageAsset,
  type ImageBlock,
  type LogoBlock,
  layoutImage,
  type TemplateText,
} from '../../../templates/index.ts';
import { type DrawContext, ensureRoom } from '../context.ts';
import { figure } from '../figure.ts';
import { drawImageShared } from '../png-alpha-cache.ts';
import { lookupPath } from './lookup.ts';

/** Draws a checked image at `width` × `height` (the missing one keeps the proportions). */
function place(
  ctx: DrawContext,
  image: ImageAsset,
  size: { width?: number | undefined; height?: number | undefined; align: string },
  path: string,
  alt: TemplateText | string | undefined,
): void {
  const ratio = image.height / image.width;
  const width =
    size.width ?? (size.height !== undefined ? size.height / ratio : Math.min(ctx.frame.width, image.width));
  const height = size.height ?? width * ratio;
  ensureRoom(ctx, height, path);
  const { left, width: frame } = ctx.frame;
  const x =
    size.align === 'center'
      ? left + (frame - width) / 2
      : size.align === 'right'
        ? left + frame - width
        : left;
  const y = ctx.y;
  figure(ctx, alt, () => drawImageShared(ctx.doc, image.bytes, x, y, { width, height }));
  ctx.y += height;
}

const missing = (path: string, message: string) =>
  new MissiveError('MSV_TEMPLATE_IMAGE_INVALID', `print.yaml ${path}: ${message}`, {
    file: 'print.yaml',
    field: path,
  });

/** A package image: `src` (checked at compile) or the one the data names (`data`, under `dir`). */
export function drawImage(ctx: DrawContext, block: ImageBlock, path: string): void {
  let src = block.src;
  if (src === undefined) {
    const name = lookupPath({ ...ctx.data, ...ctx.scope }, block.data ?? '');
    if (typeof name !== 'string' || !/^[\w-]+\.(png|jpe?g)$/i.test(name)) {
      throw missing(`${path}.data`, `${block.data} does not name an image file such as offer.png`);
    }
    src = `${block.dir}/${name}`;
  }
  const image = layoutImage(ctx.layout, src);
  if (!image) throw missing(`${path}.src`, `${src} is not an image of the package (${src}.b64)`);
  place(ctx, image, block, path, block.alt);
}

/** The brand's logo; MSV_BRAND_INVALID when the document is rendered without a brand. */
export function drawLogo(ctx: DrawContext, block: LogoBlock, path: string): void {
  if (!ctx.brand) {
    throw new MissiveError('MSV_BRAND_INVALID', `print.yaml ${path}: a logo block needs the run's brand`, {
      file: 'print.yaml',
      field: path,
    });
  }
  const height = block.width === undefined && block.height === undefined ? 34 : block.height;
  const alt = block.alt ?? ctx.runtime.brand?.logo.alt;
  place(ctx, ctx.brand.logo, { width: block.width, height, align: block.align }, path, alt);
}
