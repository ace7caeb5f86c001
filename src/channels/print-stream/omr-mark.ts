import { MM, type PageBox, rect, type SheetMark, type SheetMarkInput } from './sheet-mark.ts';

/**
 * OMR: dashes in the left margin, one track every 1/6 inch, read top to bottom:
 *
 *   0 start      always (the reader's benchmark)
 *   1 insert     end of envelope: fold and insert after this sheet (the `E` flag)
 *   2–4 check    the sheet's number in the file mod 8, least significant bit first, so a missing
 *                or swapped sheet is seen
 *   5 parity     set when needed to make the number of marks even
 *   6 stop       always (closes the code)
 *
 * OMR carries no run or document number; choose DataMatrix when the inserter can read it.
 */
export interface OmrMarkOptions {
  readonly left: number;
  readonly top: number;
  readonly length: number;
  readonly thickness: number;
  readonly pitch: number;
}

export const DEFAULT_OMR_MARK: OmrMarkOptions = {
  left: 4,
  top: 100,
  length: 9,
  thickness: 0.5,
  pitch: 25.4 / 6,
};

export const OMR_TRACKS = 7;

/** Which of the seven tracks carry a mark. */
export function omrTracks(endOfEnvelope: boolean, sheetInStream: number): boolean[] {
  const check = sheetInStream % 8;
  const tracks = [true, endOfEnvelope, (check & 1) !== 0, (check & 2) !== 0, (check & 4) !== 0, false, true];
  const marks = tracks.filter(Boolean).length;
  tracks[5] = marks % 2 === 1;
  return tracks;
}

export function createOmrMark(options: OmrMarkOptions = DEFAULT_OMR_MARK): SheetMark {
  return {
    kind: 'omr',
    draw(input: SheetMarkInput, page: PageBox): string {
      const tracks = omrTracks(input.payload.flag === 'E', input.sheetInStream);
      const left = page.x + options.left * MM;
      const top = page.y + page.height - options.top * MM;
      let ops = 'q\n0 g\n';
      tracks.forEach((on, i) => {
        if (on)
          ops += rect(
            left,
            top - i * options.pitch * MM - options.thickness * MM,
            options.length * MM,
            options.thickness * MM,
          );
      });
      return `${ops}f\nQ\n`;
    },
  };
}
