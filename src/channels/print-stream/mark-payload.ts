/**
 * What the inserter reads on the front of every sheet, as text in the DataMatrix:
 *
 *   MSV1|<run8>|<seq6>|<sheet>/<sheets>|<flag>      e.g.  MSV1|3f9a0c1e|000042|2/3|C
 *
 * - `MSV1`: format and version.
 * - `run8`: the first 8 characters of the run id after its `run_` prefix.
 * - `seq6`: the document's sequence in the print file, 1-based, 6 digits.
 * - `sheet/sheets`: this sheet of the document's sheets.
 * - `flag`: `E` end of envelope (last sheet of the envelope: fold and insert now), `D` end of a
 *   document whose envelope goes on (householding), `C` more sheets of this document follow.
 */
export type SheetFlag = 'E' | 'D' | 'C';

export interface MarkPayload {
  readonly run: string;
  readonly sequence: number;
  readonly sheet: number;
  readonly sheets: number;
  readonly flag: SheetFlag;
}

export const MARK_FORMAT = 'MSV1|<run8>|<seq6>|<sheet>/<sheets>|<E|D|C>';

/** The short run id in the mark: 8 characters after the `run_` prefix. */
export function shortRunId(runId: string): string {
  const bare = runId.replace(/^run_/, '');
  return bare.slice(0, 8).padEnd(8, '0');
}

export function formatMarkPayload(p: MarkPayload): string {
  if (p.sequence < 1 || p.sequence > 999_999)
    throw new RangeError(`sequence ${p.sequence} is outside 1–999999`);
  return `MSV1|${p.run}|${String(p.sequence).padStart(6, '0')}|${p.sheet}/${p.sheets}|${p.flag}`;
}

const PATTERN = /^MSV1\|([0-9A-Za-z_-]{8})\|(\d{6})\|(\d+)\/(\d+)\|([EDC])$/;

/** The inverse of `formatMarkPayload`; undefined for anything else. */
export function parseMarkPayload(text: string): MarkPayload | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  return {
    run: m[1]!,
    sequence: Number(m[2]),
    sheet: Number(m[3]),
    sheets: Number(m[4]),
    flag: m[5] as SheetFlag,
  };
}

/** The flag of sheet `sheet` of `sheets` for a document that is (or is not) the envelope's last. */
export function sheetFlag(sheet: number, sheets: number, lastInEnvelope: boolean): SheetFlag {
  if (sheet < sheets) return 'C';
  return lastInEnvelope ? 'E' : 'D';
}
