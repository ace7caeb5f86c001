import type { MarkPayload } from './mark-payload.ts';

/** The front page of a sheet, in PDF points (origin bottom left, as in the page's MediaBox). */
export interface PageBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SheetMarkInput {
  readonly payload: MarkPayload;
  /** 1-based sheet number in the print file (OMR's sequence check counts these). */
  readonly sheetInStream: number;
}

/**
 * A mark the inserting machine reads on the front of every sheet. One file per kind
 * (datamatrix-mark.ts, omr-mark.ts); `draw` returns PDF content-stream operators, drawn after the
 * page's own content with the graphics state restored, so the mark sits on top in page space.
 */
export interface SheetMark {
  readonly kind: string;
  draw(input: SheetMarkInput, page: PageBox): string;
}

export const MM = 72 / 25.4;

/** Points with at most 3 decimals, no trailing zeros: short and deterministic content streams. */
export function pt(value: number): string {
  const text = value.toFixed(3).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** A filled rectangle in content-stream syntax. */
export function rect(x: number, y: number, w: number, h: number): string {
  return `${pt(x)} ${pt(y)} ${pt(w)} ${pt(h)} re\n`;
}
