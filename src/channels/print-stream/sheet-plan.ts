/** How one document's pages fall on sheets of paper. */
export interface SheetPlan {
  /** Sheets of paper the document takes. */
  readonly sheets: number;
  /** Pages in the print file: the document's pages plus blank back pages. */
  readonly physicalPages: number;
  /** Blank pages added (duplex, odd page count: one blank back of the last sheet). */
  readonly blankPages: number;
}

/**
 * Every document starts on a new sheet. Duplex: two pages a sheet, and an odd page count gets a
 * blank back so the next document starts on a fresh sheet. Simplex: one page a sheet.
 */
export function planSheets(pages: number, duplex: boolean): SheetPlan {
  if (!Number.isInteger(pages) || pages < 1)
    throw new RangeError(`a document has at least one page, got ${pages}`);
  if (!duplex) return { sheets: pages, physicalPages: pages, blankPages: 0 };
  const sheets = Math.ceil(pages / 2);
  return { sheets, physicalPages: sheets * 2, blankPages: sheets * 2 - pages };
}

/** Index (0-based, within the document's physical pages) of the front of sheet `sheet` (1-based). */
export function frontPageIndex(sheet: number, duplex: boolean): number {
  return duplex ? (sheet - 1) * 2 : sheet - 1;
}
