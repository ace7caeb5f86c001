/**
 * Where each body block of a print layout landed (issue 21 item 1): the studio's canvas draws a
 * clickable box over the page images for each of them. Points from the page's top-left corner, as
 * pdfkit draws; a block that flows over a page break has one box per page it is on.
 */
export interface BlockBox {
  /** The block's path in print.yaml, e.g. `body[7]`. */
  readonly path: string;
  /** 1-based page number. */
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where the flow was: its page (0-based) and y, and the frame it flowed in. */
export interface FlowMark {
  readonly pageIndex: number;
  readonly y: number;
  readonly left: number;
  readonly width: number;
  readonly top: number;
  readonly bottom: number;
}

/** Boxes thinner than this are a block's page-break remnant (it moved to the next page), not a box. */
const MIN_HEIGHT = 0.5;

/**
 * The boxes of one body block drawn between `start` and `end`: one per page it touched, each the
 * flow's width, from where it started (or the page's body top) to where it ended (or the body bottom).
 * Reads positions only, so the document drawn is the same with or without the map.
 */
export function boxesBetween(path: string, start: FlowMark, end: FlowMark): BlockBox[] {
  const boxes: BlockBox[] = [];
  for (let page = start.pageIndex; page <= end.pageIndex; page++) {
    const frame = page === end.pageIndex ? end : start;
    const top = page === start.pageIndex ? start.y : frame.top;
    const bottom = page === end.pageIndex ? end.y : frame.bottom;
    if (bottom - top < MIN_HEIGHT) continue;
    boxes.push({
      path,
      page: page + 1,
      x: round(frame.left),
      y: round(top),
      width: round(frame.width),
      height: round(bottom - top),
    });
  }
  return boxes;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
