import bwipjs from 'bwip-js';
import { invariant } from '../../core/invariant.ts';
import type { Matrix } from '../../render/heavy.ts';
import { formatMarkPayload } from './mark-payload.ts';
import { MM, type PageBox, rect, type SheetMark, type SheetMarkInput } from './sheet-mark.ts';

export interface DataMatrixMarkOptions {
  /** Distance of the symbol's top-left corner (quiet zone included) from the page's top-left, mm. */
  readonly left: number;
  readonly top: number;
  /** Module size in mm (0.5 mm reads well on inserter cameras and at 200 dpi). */
  readonly module: number;
}

/** In the left margin above the address window of a DL/C5 window envelope (window from 20 mm). */
export const DEFAULT_DATAMATRIX_MARK: DataMatrixMarkOptions = { left: 4, top: 12, module: 0.5 };

/** Modules of white around the symbol (the standard asks for 1). */
const QUIET = 1;
/** One symbol size for every sheet while the payload fits: the inserter's camera sees one shape. */
const FIXED_VERSION = '22x22';

/**
 * Encodes with bwip-js's raw encoder (pure: same text, same modules), fixed at 22×22 modules,
 * falling back to the smallest size that fits for long sheet counts.
 */
export function encodeMarkMatrix(text: string): Matrix {
  let symbols: ReturnType<typeof matrixOf>;
  try {
    symbols = matrixOf(bwipjs.raw('datamatrix', text, `version=${FIXED_VERSION}`));
  } catch {
    symbols = matrixOf(bwipjs.raw('datamatrix', text, ''));
  }
  // The fallback takes the smallest size that fits: bwip-js returning nothing is a bwip-js bug.
  invariant(symbols, `bwip-js returned no DataMatrix for ${text}`);
  return symbols;
}

/** bwip-js returns linear and 2-D results from one function; a 2-D one has `pixs`. */
function matrixOf(result: readonly object[]): Matrix | undefined {
  const raw = result[0] as { pixs?: number[]; pixx?: number; pixy?: number } | undefined;
  if (!raw?.pixs || raw.pixx === undefined || raw.pixy === undefined) return undefined;
  return { columns: raw.pixx, rows: raw.pixy, dark: raw.pixs };
}

/**
 * Dark modules as rectangles, one per horizontal run of dark modules in a row (fewer operators than
 * one per module), on a white square with the quiet zone, drawn in black in page space.
 */
export function matrixOperators(m: Matrix, page: PageBox, options: DataMatrixMarkOptions): string {
  const unit = options.module * MM;
  const side = Math.max(m.columns, m.rows) + 2 * QUIET;
  const left = page.x + options.left * MM;
  const top = page.y + page.height - options.top * MM;
  let ops = `q\n1 g\n${rect(left, top - side * unit, side * unit, side * unit)}f\n0 g\n`;
  for (let r = 0; r < m.rows; r += 1) {
    const y = top - (QUIET + r + 1) * unit;
    let c = 0;
    while (c < m.columns) {
      if (!m.dark[r * m.columns + c]) {
        c += 1;
        continue;
      }
      const start = c;
      while (c < m.columns && m.dark[r * m.columns + c]) c += 1;
      ops += rect(left + (QUIET + start) * unit, y, (c - start) * unit, unit);
    }
  }
  return `${ops}f\nQ\n`;
}

export function createDataMatrixMark(options: DataMatrixMarkOptions = DEFAULT_DATAMATRIX_MARK): SheetMark {
  return {
    kind: 'datamatrix',
    draw: (input: SheetMarkInput, page: PageBox) =>
      matrixOperators(encodeMarkMatrix(formatMarkPayload(input.payload)), page, options),
  };
}
