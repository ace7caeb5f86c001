import { createDataMatrixMark } from './datamatrix-mark.ts';
import { createOmrMark } from './omr-mark.ts';
import type { PrintStreamOptions } from './options.ts';
import type { SheetMark } from './sheet-mark.ts';

/** Every kind of sheet mark, by the name `--marks` takes: one line per implementation. */
export const SHEET_MARKS: Record<PrintStreamOptions['marks'], () => SheetMark> = {
  datamatrix: () => createDataMatrixMark(),
  omr: () => createOmrMark(),
};
