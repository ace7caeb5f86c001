import { MissiveError } from '../../../core/errors.ts';
import type { ImageBlock } from '../../../templates/print-layout/blocks/index.ts';
import { layoutImage } from '../../../templates/print-layout/images.ts';
import { type DrawContext, ensureRoom } from '../context.ts';

/** A checked package image at `width` × `height` (the missing one keeps the proportions). */
export function drawImage(ctx: DrawContext, block: ImageBlock, path: string): void {
  const image = layoutImage(ctx.layout, block.src);
  if (!image) {
    throw new MissiveError(
      'MSV_TEMPLATE_IMAGE_INVALID',
      `print.yaml ${path}.src: ${block.src} was not checked at compile`,
      {
        file: 'print.yaml',
        field: `${path}.src`,
      },
    );
  }
  const ratio = image.height / image.width;
  const width =
    block.width ??
    (block.height !== undefined ? block.height / ratio : Math.min(ctx.frame.width, image.width));
  const height = block.height ?? width * ratio;
  ensureRoom(ctx, height, path);
  const { left, width: frame } = ctx.frame;
  const x =
    block.align === 'center'
      ? left + (frame - width) / 2
      : block.align === 'right'
        ? left + frame - width
        : left;
  ctx.doc.image(image.bytes, x, ctx.y, { width, height });
  ctx.y += height;
}
