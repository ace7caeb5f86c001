import { MissiveError } from '../../core/errors.ts';
import type { TemplateText } from '../../templates/index.ts';
import { type DrawContext, evaluate } from './context.ts';

/**
 * Draws `draw` as a Figure of a tagged document with its alternative text (a template string,
 * evaluated here, or a text), or just draws it. A figure without alt text cannot be tagged: the
 * layout check (`templates lint`) refuses such a layout before it renders.
 */
export function figure(ctx: DrawContext, alt: TemplateText | string | undefined, draw: () => void): void {
  const tags = ctx.tags;
  if (!tags) {
    draw();
    return;
  }
  const text = typeof alt === 'string' ? alt : alt ? evaluate(ctx, alt) : '';
  if (!text) {
    throw new MissiveError('MSV_RENDER_FAILED', 'a figure of a tagged document has no alt text', {
      file: 'print.yaml',
      field: 'alt',
    });
  }
  tags.figure(text, draw);
}
