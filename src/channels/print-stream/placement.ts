import { type SheetFlag, sheetFlag } from './mark-payload.ts';
import type { PrintEntry } from './print-entry.ts';
import { planSheets } from './sheet-plan.ts';

/** Where one document sits in a print file. */
export interface Placement {
  readonly entry: PrintEntry;
  /** 1-based, in the file. */
  readonly sequence: number;
  readonly pages: number;
  readonly sheets: number;
  readonly blankPages: number;
  /** 1-based sheet of the file the document starts on. */
  readonly firstSheet: number;
  /** 1-based page of the file the document starts on. */
  readonly firstPage: number;
  /** The envelope's number in the file, 1-based. */
  readonly envelope: number;
  readonly lastInEnvelope: boolean;
  /** The flag of each of the document's sheets, first to last. */
  readonly flags: readonly SheetFlag[];
}

/** Counters of a print file so far: what the next document gets. */
export interface StreamCursor {
  documents: number;
  sheets: number;
  physicalPages: number;
  envelopes: number;
}

export const emptyCursor = (): StreamCursor => ({ documents: 0, sheets: 0, physicalPages: 0, envelopes: 0 });

/**
 * Places one envelope's documents (those that could be read, in order) after what the file holds
 * so far and advances the cursor. Pure: the same documents and cursor give the same placements.
 */
export function placeEnvelope(
  documents: readonly { entry: PrintEntry; pages: number }[],
  cursor: StreamCursor,
  duplex: boolean,
): Placement[] {
  if (documents.length === 0) return [];
  cursor.envelopes += 1;
  return documents.map(({ entry, pages }, i) => {
    const plan = planSheets(pages, duplex);
    const last = i === documents.length - 1;
    const placement: Placement = {
      entry,
      sequence: cursor.documents + 1,
      pages,
      sheets: plan.sheets,
      blankPages: plan.blankPages,
      firstSheet: cursor.sheets + 1,
      firstPage: cursor.physicalPages + 1,
      envelope: cursor.envelopes,
      lastInEnvelope: last,
      flags: Array.from({ length: plan.sheets }, (_, s) => sheetFlag(s + 1, plan.sheets, last)),
    };
    cursor.documents += 1;
    cursor.sheets += plan.sheets;
    cursor.physicalPages += plan.physicalPages;
    return placement;
  });
}
