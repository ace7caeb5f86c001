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

/** Where an `at` block was drawn, as drawBlock reports it. */
export interface PlacedRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const EPSILON = 0.01;

/**
 * Fills a block map while the body flows (drawLayout calls it around each body block and page break):
 * a block that breaks the page before drawing anything (it moved to the next page whole) starts its
 * box there, not where it would have been (no box where nothing is); a block drawn at a fixed place
 * (`at`, an address's envelope window) is boxed where it was drawn; `band` boxes a header or footer.
 */
export class BlockMapper {
  private start: FlowMark | undefined;
  private lead = 0;
  private restart = false;

  constructor(
    private readonly boxes: BlockBox[],
    private readonly mark: () => FlowMark,
  ) {}

  /** Before body block `path`; `lead` is its spaceBefore. */
  begin(lead: number): void {
    this.start = this.mark();
    this.lead = lead;
  }

  /** Just before the flow breaks the page, at `y`. */
  beforeBreak(y: number): void {
    const start = this.start;
    this.restart = start !== undefined && y <= start.y + this.lead + EPSILON;
  }

  /** Just after the flow broke the page. */
  afterBreak(): void {
    if (this.restart && this.start) this.start = this.mark();
    this.restart = false;
  }

  /** After body block `path`: `placed` where an `at` block was drawn, `window` an address's window. */
  end(path: string, placed: PlacedRect | undefined, window?: PlacedRect): void {
    const start = this.start;
    this.start = undefined;
    if (!start) return;
    const end = this.mark();
    const fixed = placed ?? window;
    if (!fixed) {
      this.boxes.push(...boxesBetween(path, start, end));
      return;
    }
    if (fixed.height < MIN_HEIGHT) return;
    const { left: x, top: y, width, height } = fixed;
    this.boxes.push({
      path,
      page: end.pageIndex + 1,
      x: round(x),
      y: round(y),
      width: round(width),
      height: round(height),
    });
  }

  /** A header or footer band (`header.first`, `header.following`, `footer`) on 1-based `page`. */
  band(path: string, page: number, frame: PlacedRect): void {
    if (frame.height < MIN_HEIGHT) return;
    this.boxes.push({
      path,
      page,
      x: round(frame.left),
      y: round(frame.top),
      width: round(frame.width),
      height: round(frame.height),
    });
  }
}
