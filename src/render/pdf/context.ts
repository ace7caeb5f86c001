import { MissiveError } from '../../core/errors.ts';
import type {
  CompiledBrand,
  DocumentData,
  PrintLayout,
  ResolvedStyle,
  TemplateRuntime,
  TemplateText,
} from '../../templates/index.ts';
import type { Tagger } from './tagging.ts';

/** The rectangle blocks flow in: the body between header and footer, a band, a column or an `at` box. */
export interface Frame {
  readonly left: number;
  readonly width: number;
  readonly top: number;
  readonly bottom: number;
}

/** Extra names templates see next to the document data: `page` in bands, `row` and `index` in tables. */
export type Scope = Readonly<Record<string, unknown>>;

/** Everything a block drawer needs. Drawers move `y` down by what they draw. */
export interface DrawContext {
  readonly doc: PDFKit.PDFDocument;
  readonly layout: PrintLayout;
  readonly runtime: TemplateRuntime;
  readonly data: DocumentData;
  /** The run's brand (logo blocks); undefined for documents rendered without one. */
  readonly brand: CompiledBrand | undefined;
  readonly page: { readonly width: number; readonly height: number };
  /** The style blocks inherit: `styles.base` over the defaults. */
  readonly base: ResolvedStyle;
  readonly scope: Scope;
  /** The structure tree of a tagged document (`document.tagged`); undefined for an untagged one. */
  readonly tags: Tagger | undefined;
  frame: Frame;
  y: number;
  /** Continues the flow on a new page; absent where the flow cannot break (bands, columns, `at`). */
  readonly breakPage: (() => void) | undefined;
}

/** A copy of the context drawing into another frame that cannot break pages. */
export function fixedContext(ctx: DrawContext, frame: Frame, scope: Scope = ctx.scope): DrawContext {
  return { ...ctx, frame, y: frame.top, scope, breakPage: undefined };
}

/** Evaluates a template string against the document data plus the context's (and any extra) scope. */
export function evaluate(ctx: DrawContext, text: TemplateText, extra?: Scope): string {
  const hasScope = Object.keys(ctx.scope).length > 0;
  const context = extra || hasScope ? { ...ctx.data, ...ctx.scope, ...extra } : ctx.data;
  return text.render(context, ctx.runtime);
}

const EPSILON = 0.01;

/**
 * `ensureRoom` for `height`, and when the flow can break, also `keep` points below it: if they do not
 * fit together, the block starts the next page (a heading never last on a page). The extra room is a
 * wish, never an error: a block that fits a page only without it is drawn.
 */
export function ensureRoomKeeping(ctx: DrawContext, height: number, keep: number, path: string): void {
  if (
    keep > 0 &&
    ctx.breakPage &&
    ctx.y > ctx.frame.top + EPSILON &&
    ctx.y + height + keep > ctx.frame.bottom + EPSILON
  ) {
    ctx.breakPage();
  }
  ensureRoom(ctx, height, path);
}

/**
 * Makes room for `height` points: on the current page if they fit, else on a new page when the flow can
 * break. Anything that cannot fit even on a fresh page (or in a band) is MSV_RENDER_FAILED naming `path`.
 */
export function ensureRoom(ctx: DrawContext, height: number, path: string): void {
  if (ctx.y + height <= ctx.frame.bottom + EPSILON) return;
  if (ctx.breakPage && ctx.y > ctx.frame.top + EPSILON) {
    ctx.breakPage();
    if (ctx.y + height <= ctx.frame.bottom + EPSILON) return;
  }
  const room = Math.max(0, ctx.frame.bottom - ctx.y);
  throw new MissiveError(
    'MSV_RENDER_FAILED',
    `print.yaml ${path}: needs ${height.toFixed(1)}pt but its area has ${room.toFixed(1)}pt left`,
    { file: 'print.yaml', field: path },
  );
}
